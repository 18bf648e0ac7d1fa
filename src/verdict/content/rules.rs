//! The content rules as data: one row per pattern, compiled once.
//!
//! A row's [`Role`] says how a match counts: most rows report directly;
//! some only count in install-time files, some are halves of a pair (a
//! credential read is only exfiltration next to a network send), and some
//! are candidates that code confirms (entropy of a literal, a public IP).
//! Patterns run in ASCII mode over bytes (`unicode(false)`), which keeps
//! the whole set on the fast lazy-DFA path and reads non-UTF-8 files too.

/// How a match of a row counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// Reported as it is.
    Direct,
    /// Reported only in install-time files (setup.py, npm lifecycle scripts).
    InstallTime,
    /// Reported only in shell-like files (shell, batch, PowerShell, scripts
    /// with a shebang, `package.json`): elsewhere such text is usually an
    /// install hint in a message.
    ShellFile,
    /// A credential source; `strong` ones no package has a reason to read.
    Credential { strong: bool },
    /// A network send: no finding alone, it turns a credential into exfiltration.
    NetworkSend,
    /// Fetches code or a file; a finding with [`Role::ExecVariable`] close by.
    Fetch,
    /// Runs code held in a variable; a finding with [`Role::Fetch`] close by.
    ExecVariable,
    /// A quoted token: reported when its Shannon entropy is high.
    Entropy,
    /// A URL with a literal IPv4 address: reported when the address is public.
    PublicIp,
}

/// One content rule.
#[derive(Debug, Clone, Copy)]
pub(super) struct Rule {
    /// Stable code (one of `content::CODES`).
    pub code: &'static str,
    /// Points when this row is the strongest match of its code.
    pub points: i32,
    /// Human reason.
    pub reason: &'static str,
    /// How a match counts.
    pub role: Role,
    /// Byte regex, ASCII mode.
    pub pattern: &'static str,
}

/// Runs code decoded from base64, hex, zlib, marshal or char codes.
pub const EXEC_ENCODED: &str = "content-exec-encoded";
/// Downloads something and runs it.
pub const DOWNLOAD_EXEC: &str = "content-download-exec";
/// Reads credentials and sends data over the network.
pub const CREDENTIAL_EXFIL: &str = "content-credential-exfil";
/// Reads credentials (no network send seen).
pub const CREDENTIAL_ACCESS: &str = "content-credential-access";
/// Hard-coded exfiltration endpoint (webhook with token, raw public IP).
pub const EXFIL_ENDPOINT: &str = "content-exfil-endpoint";
/// Long high-entropy literal or the mark of a code obfuscator.
pub const OBFUSCATION: &str = "content-obfuscation";
/// Starts processes from code that runs at install time.
pub const INSTALL_SPAWN: &str = "content-install-spawn";
/// Ships a native executable or library where none is expected.
pub const BUNDLED_EXECUTABLE: &str = "content-bundled-executable";

/// Shannon entropy (bits per byte) at which a long literal counts as packed data.
pub(super) const ENTROPY_BITS: f64 = 5.0;
/// Lines within which a fetch and an exec of a variable count as one.
pub(super) const FETCH_EXEC_WINDOW: usize = 10;

// Shared fragments (kept as literals so the table stays `const`).
// `(?:^|[^.\w$])` before `exec`/`eval` keeps out `re.exec(…)`-style methods;
// `(?:[\w.]+\s*\(\s*){0,3}` lets decoders be nested in up to three calls
// (`exec(compile(zlib.decompress(…`).

/// The rule table. Add a row here and, for a new code, a line in `content::CODES`.
pub(super) const RULES: &[Rule] = &[
    Rule {
        code: EXEC_ENCODED,
        points: 60,
        reason: "Executes code decoded at run time (base64/hex/zlib/marshal)",
        role: Role::Direct,
        pattern: r#"(?:^|[^.\w$])(?:exec|eval)\s*\(\s*(?:[\w.]+\s*\(\s*){0,3}[\w.]*(?:b64decode|b32decode|b16decode|b85decode|a85decode|decodebytes|decodestring|unhexlify|a2b_hex|a2b_base64|fromhex|decompress|marshal\.loads|codecs\.decode|atob|String\.fromCharCode|unescape)\s*\("#,
    },
    Rule {
        code: EXEC_ENCODED,
        points: 60,
        reason: "Executes code decoded at run time (base64/hex/zlib/marshal)",
        role: Role::Direct,
        pattern: r#"(?:^|[^.\w$])(?:exec|eval)\s*\(\s*(?:[\w.]+\s*\(\s*){0,3}__import__\s*\(\s*['"](?:base64|zlib|marshal|codecs|binascii|lzma|bz2|gzip)['"]"#,
    },
    Rule {
        code: EXEC_ENCODED,
        points: 60,
        reason: "Executes code built from character codes",
        role: Role::Direct,
        pattern: r#"(?:^|[^.\w$])(?:exec|eval)\s*\(\s*(?:''|"")\.join\s*\(\s*(?:map\s*\(\s*)?chr\b"#,
    },
    Rule {
        code: EXEC_ENCODED,
        points: 60,
        reason: "Executes code decoded from a Buffer (JavaScript)",
        role: Role::Direct,
        pattern: r#"(?:(?:^|[^.\w$])eval|\bFunction|\bexecSync)\s*\(\s*(?:[\w.]+\s*\(\s*){0,3}Buffer\.from\s*\([^)\n]*,\s*['"](?:base64|hex)['"]"#,
    },
    Rule {
        code: DOWNLOAD_EXEC,
        points: 60,
        reason: "Pipes a download into a shell or interpreter",
        role: Role::ShellFile,
        pattern: r#"\b(?:curl|wget)\b[^\n|;]{0,300}\|\s*(?:sudo\s+)?(?:ba|z|da|k)?sh\b|\b(?:curl|wget)\b[^\n|;]{0,300}\|\s*(?:sudo\s+)?(?:python[23]?|node|perl|ruby)\b"#,
    },
    Rule {
        code: DOWNLOAD_EXEC,
        points: 60,
        reason: "Runs a shell command that pipes a download into a shell",
        role: Role::Direct,
        pattern: r#"(?:\bos\.system|\bos\.popen|\bsubprocess\.\w+|(?:^|[^.\w$])exec(?:Sync)?)\s*\([^\n]*?\b(?:curl|wget)\b[^\n|;]*\|\s*(?:sudo\s+)?(?:(?:ba|z|da|k)?sh|python[23]?|node|perl)\b"#,
    },
    Rule {
        code: DOWNLOAD_EXEC,
        points: 60,
        reason: "Runs a shell command that downloads (curl/wget/powershell/certutil)",
        role: Role::Direct,
        pattern: r#"(?:\bos\.system|\bos\.popen|\bsubprocess\.\w+|(?:^|[^.\w$])exec(?:Sync)?)\s*\(\s*[fbr]?['"`]\s*(?:curl|wget|powershell|pwsh|iwr|certutil|bitsadmin|mshta)\b"#,
    },
    Rule {
        code: DOWNLOAD_EXEC,
        points: 60,
        reason: "Executes code fetched from the network",
        role: Role::Direct,
        pattern: r#"(?:^|[^.\w$])(?:exec|eval)\s*\(\s*(?:[\w.]+\s*\(\s*){0,3}(?:urlopen|requests\.get|httpx\.get|urllib2?\.urlopen|urllib\.request\.urlopen)\s*\("#,
    },
    Rule {
        code: DOWNLOAD_EXEC,
        points: 60,
        reason: "Runs an encoded or downloaded PowerShell command",
        role: Role::Direct,
        pattern: r#"(?i)\b(?:powershell|pwsh)(?:\.exe)?\b[^\n]{0,100}?\s-e(?:nc?|ncodedcommand)?\s+[a-z0-9+/=]{16,}|\b(?:iex|invoke-expression)\s*[(\$][^\n]{0,120}?(?:downloadstring|invoke-webrequest|invoke-restmethod|\biwr\b|\birm\b)|\b(?:iwr|irm|invoke-webrequest|invoke-restmethod)\b[^\n|]{0,200}\|\s*(?:iex|invoke-expression)\b|\bcertutil(?:\.exe)?\s[^\n]{0,40}-urlcache|\bmshta(?:\.exe)?\s+https?:"#,
    },
    Rule {
        code: DOWNLOAD_EXEC,
        points: 60,
        reason: "Fetches code or a file and runs it a few lines later",
        role: Role::Fetch,
        pattern: r#"\b(?:urlopen|requests\.get|httpx\.get|urlretrieve|https?\.get)\s*\("#,
    },
    Rule {
        code: DOWNLOAD_EXEC,
        points: 60,
        reason: "Fetches code or a file and runs it a few lines later",
        role: Role::ExecVariable,
        pattern: r#"(?:^|[^.\w$])(?:exec|eval)\s*\(\s*[\w.]+(?:\.decode\(\)|\.read\(\)|\.text)?\s*[,)]|\bos\.startfile\s*\("#,
    },
    Rule {
        code: CREDENTIAL_EXFIL,
        points: 60,
        reason: "Reads credential stores and sends data over the network",
        role: Role::Credential { strong: true },
        pattern: r#"\.aws[/\\]+credentials|\.aws['"]\s*,\s*['"]credentials|\.ssh[/\\]+id_(?:rsa|dsa|ecdsa|ed25519)|\.ssh['"]\s*,\s*['"]id_(?:rsa|dsa|ecdsa|ed25519)|\.git-credentials|\.docker[/\\]+config\.json|\.kube[/\\]+config\b|(?i:(?:google[/\\]+chrome|bravesoftware|microsoft[/\\]+edge|chromium)[/\\]+user data)|Login Data|\blogins\.json|\bcookies\.sqlite|\bkey[34]\.db\b|Local Storage[/\\]+leveldb|\bwallet\.dat\b"#,
    },
    Rule {
        code: CREDENTIAL_EXFIL,
        points: 60,
        reason: "Reads tokens or dumps the environment and sends data from install-time code or to an exfiltration endpoint",
        role: Role::Credential { strong: false },
        pattern: r#"\b(?:AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|GITHUB_TOKEN|GH_TOKEN|NPM_TOKEN|NODE_AUTH_TOKEN|PYPI_TOKEN|TWINE_PASSWORD)\b|\.npmrc\b|\.pypirc\b|\bjson\.dumps\s*\(\s*(?:dict\s*\(\s*)?os\.environ\b|JSON\.stringify\s*\(\s*process\.env\s*\)"#,
    },
    Rule {
        code: CREDENTIAL_EXFIL,
        points: 60,
        reason: "Sends data over the network",
        role: Role::NetworkSend,
        pattern: r#"\brequests\.(?:post|put|get|request)\s*\(|\burlopen\s*\(|\burllib\.request\.Request\s*\(|\bHTTPS?Connection\s*\(|\bsocket\.socket\s*\(|\bsmtplib\.SMTP|\bftplib\.FTP|\bhttpx\.(?:post|put|get|Client|AsyncClient)\b|\baiohttp\.ClientSession\b|(?:^|[^.\w$])fetch\s*\(|\bhttps?\.(?:request|get)\s*\(|\baxios(?:\.(?:post|put|get))?\s*\(|\bXMLHttpRequest\b|\bnet\.connect\s*\(|\bnew\s+net\.Socket\b|(?i:\bInvoke-WebRequest\b|\bInvoke-RestMethod\b|\bNet\.WebClient\b)|\bcurl\s+[^\n]{0,200}(?:-d|--data|-F|-T)\b"#,
    },
    Rule {
        code: EXFIL_ENDPOINT,
        points: 30,
        reason: "Hard-coded exfiltration endpoint (webhook or bot with its token)",
        role: Role::Direct,
        pattern: r#"(?i)discord(?:app)?\.com/api/webhooks/\d{15,21}/[\w-]{30,}|api\.telegram\.org/bot\d{6,12}:[\w-]{30,}|\bwebhook\.site/[\w-]{8,}|\b[\w-]+\.(?:oast\.(?:fun|pro|live|site|online|me)|burpcollaborator\.net|interact\.sh|pipedream\.net|requestbin\.net)\b"#,
    },
    Rule {
        code: EXFIL_ENDPOINT,
        points: 20,
        reason: "URL with a hard-coded public IP address",
        role: Role::PublicIp,
        pattern: r#"(?i)\b(?:https?|tcp|ftp|wss?)://\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b"#,
    },
    Rule {
        code: OBFUSCATION,
        points: 20,
        reason: "Long high-entropy string literal (packed or encrypted payload)",
        role: Role::Entropy,
        pattern: r#"["'`][A-Za-z0-9+/=_-]{200,}"#,
    },
    Rule {
        code: OBFUSCATION,
        points: 20,
        reason: "Code processed by an obfuscator",
        role: Role::Direct,
        pattern: r#"\b__pyarmor__\s*\(|\bfrom\s+pytransform\s+import\s+pyarmor|\bpyarmor_runtime\b|\b_0x[0-9a-f]{4,6}\s*\(\s*0x[0-9a-f]{1,4}\s*\)"#,
    },
    Rule {
        code: INSTALL_SPAWN,
        points: 10,
        reason: "Install-time code starts processes",
        role: Role::InstallTime,
        pattern: r#"\bsubprocess\.\w+\s*\(|\bfrom\s+subprocess\s+import\b|\bos\.(?:system|popen|spawn\w*|exec[lv]\w*)\s*\(|\bpty\.spawn\s*\(|\bchild_process\b|\b(?:execSync|spawnSync|execFileSync)\s*\(|require\s*\(\s*['"](?:shelljs|execa|cross-spawn)['"]"#,
    },
];
