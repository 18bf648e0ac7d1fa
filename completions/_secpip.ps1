
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'secpip' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'secpip'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'secpip' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./secpip.toml, then the user config dir)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the status store and secure repository live')
            [CompletionResult]::new('--python', '--python', [CompletionResultType]::ParameterName, 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Use a team server (`secpip serve`) instead of the embedded backend')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Store, queue and secure repository: embedded (default) or aws')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Never prompt; the policy decides (also SECPIP_CI or CI)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Vet the whole tree, then pip install it from the secure repository')
            [CompletionResult]::new('npm', 'npm', [CompletionResultType]::ParameterValue, 'npm with the whole tree vetted first (`secpip npm install`, `secpip npm ci`)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Print the verdict for a package without installing it')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'List vetted, blocked and in-flight packages')
            [CompletionResult]::new('allow', 'allow', [CompletionResultType]::ParameterValue, 'Always allow a package (or one version); it is vetted again on next install')
            [CompletionResult]::new('block', 'block', [CompletionResultType]::ParameterValue, 'Always block a package (or one version), and remove it from the secure repository')
            [CompletionResult]::new('data', 'data', [CompletionResultType]::ParameterValue, 'Manage the popular-package snapshot used for look-alike detection')
            [CompletionResult]::new('db', 'db', [CompletionResultType]::ParameterValue, 'Manage the offline advisory database (OSV)')
            [CompletionResult]::new('repo', 'repo', [CompletionResultType]::ParameterValue, 'Work with the local secure repository')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the team server: firewall API, shared status table, secure index')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'List the audit log: who decided what, when and why')
            [CompletionResult]::new('worker', 'worker', [CompletionResultType]::ParameterValue, 'Scan requests from the AWS queue (backend aws); run as many as needed')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write shell completions and the man page (used by install.sh)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secpip;install' {
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Install from the given requirements file (repeatable)')
            [CompletionResult]::new('--requirement', '--requirement', [CompletionResultType]::ParameterName, 'Install from the given requirements file (repeatable)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for verdicts before giving up')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Also write a report of blocked packages to stdout (sarif, asff or json)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./secpip.toml, then the user config dir)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the status store and secure repository live')
            [CompletionResult]::new('--python', '--python', [CompletionResultType]::ParameterName, 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Use a team server (`secpip serve`) instead of the embedded backend')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Store, queue and secure repository: embedded (default) or aws')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Never prompt; the policy decides (also SECPIP_CI or CI)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secpip;npm' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./secpip.toml, then the user config dir)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the status store and secure repository live')
            [CompletionResult]::new('--python', '--python', [CompletionResultType]::ParameterName, 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Use a team server (`secpip serve`) instead of the embedded backend')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Store, queue and secure repository: embedded (default) or aws')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Never prompt; the policy decides (also SECPIP_CI or CI)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Vet the tree, then npm install from the secure registry')
            [CompletionResult]::new('ci', 'ci', [CompletionResultType]::ParameterValue, 'Vet the existing package-lock.json, then npm ci from the secure registry')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secpip;npm;install' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'The project folder (default: the current directory)')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'The project folder (default: the current directory)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./secpip.toml, then the user config dir)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the status store and secure repository live')
            [CompletionResult]::new('--python', '--python', [CompletionResultType]::ParameterName, 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Use a team server (`secpip serve`) instead of the embedded backend')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Store, queue and secure repository: embedded (default) or aws')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Never prompt; the policy decides (also SECPIP_CI or CI)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secpip;npm;ci' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'The project folder (default: the current directory)')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'The project folder (default: the current directory)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./secpip.toml, then the user config dir)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the status store and secure repository live')
            [CompletionResult]::new('--python', '--python', [CompletionResultType]::ParameterName, 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Use a team server (`secpip serve`) instead of the embedded backend')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Store, queue and secure repository: embedded (default) or aws')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Never prompt; the policy decides (also SECPIP_CI or CI)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secpip;npm;help' {
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Vet the tree, then npm install from the secure registry')
            [CompletionResult]::new('ci', 'ci', [CompletionResultType]::ParameterValue, 'Vet the existing package-lock.json, then npm ci from the secure registry')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secpip;npm;help;install' {
            break
        }
        'secpip;npm;help;ci' {
            break
        }
        'secpip;npm;help;help' {
            break
        }
        'secpip;check' {
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'The registry the names belong to')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format; `sarif` and `asff` print one document for all inputs')
            [CompletionResult]::new('--manifest', '--manifest', [CompletionResultType]::ParameterName, 'The dependency file SARIF results point at')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Which decision makes the exit code 3: `block` (default), or `review` to fail on anything a person must approve first too, as `install` refuses under `policy.review = "block"`')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./secpip.toml, then the user config dir)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the status store and secure repository live')
            [CompletionResult]::new('--python', '--python', [CompletionResultType]::ParameterName, 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Use a team server (`secpip serve`) instead of the embedded backend')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Store, queue and secure repository: embedded (default) or aws')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use only shipped data and the offline advisory database; no network')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Never prompt; the policy decides (also SECPIP_CI or CI)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secpip;status' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./secpip.toml, then the user config dir)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the status store and secure repository live')
            [CompletionResult]::new('--python', '--python', [CompletionResultType]::ParameterName, 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Use a team server (`secpip serve`) instead of the embedded backend')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Store, queue and secure repository: embedded (default) or aws')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Never prompt; the policy decides (also SECPIP_CI or CI)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secpip;allow' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why; shown to everyone the decision affects')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./secpip.toml, then the user config dir)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the status store and secure repository live')
            [CompletionResult]::new('--python', '--python', [CompletionResultType]::ParameterName, 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Use a team server (`secpip serve`) instead of the embedded backend')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Store, queue and secure repository: embedded (default) or aws')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Never prompt; the policy decides (also SECPIP_CI or CI)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secpip;block' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why; shown to everyone the decision affects')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./secpip.toml, then the user config dir)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the status store and secure repository live')
            [CompletionResult]::new('--python', '--python', [CompletionResultType]::ParameterName, 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Use a team server (`secpip serve`) instead of the embedded backend')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Store, queue and secure repository: embedded (default) or aws')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Never prompt; the policy decides (also SECPIP_CI or CI)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secpip;data' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./secpip.toml, then the user config dir)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the status store and secure repository live')
            [CompletionResult]::new('--python', '--python', [CompletionResultType]::ParameterName, 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Use a team server (`secpip serve`) instead of the embedded backend')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Store, queue and secure repository: embedded (default) or aws')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Never prompt; the policy decides (also SECPIP_CI or CI)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('refresh-popular', 'refresh-popular', [CompletionResultType]::ParameterValue, 'Download a top-packages list (top-pypi-packages JSON format) and use it from now on')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secpip;data;refresh-popular' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'URL (http, https or file path) of the JSON list')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./secpip.toml, then the user config dir)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the status store and secure repository live')
            [CompletionResult]::new('--python', '--python', [CompletionResultType]::ParameterName, 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Use a team server (`secpip serve`) instead of the embedded backend')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Store, queue and secure repository: embedded (default) or aws')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Never prompt; the policy decides (also SECPIP_CI or CI)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secpip;data;help' {
            [CompletionResult]::new('refresh-popular', 'refresh-popular', [CompletionResultType]::ParameterValue, 'Download a top-packages list (top-pypi-packages JSON format) and use it from now on')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secpip;data;help;refresh-popular' {
            break
        }
        'secpip;data;help;help' {
            break
        }
        'secpip;db' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./secpip.toml, then the user config dir)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the status store and secure repository live')
            [CompletionResult]::new('--python', '--python', [CompletionResultType]::ParameterName, 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Use a team server (`secpip serve`) instead of the embedded backend')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Store, queue and secure repository: embedded (default) or aws')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Never prompt; the policy decides (also SECPIP_CI or CI)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('import-osv', 'import-osv', [CompletionResultType]::ParameterValue, 'Import an OSV `all.zip` (one ecosystem''s dump, e.g. PyPI''s or npm''s); it replaces what an earlier import stored for the same ecosystem')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secpip;db;import-osv' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./secpip.toml, then the user config dir)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the status store and secure repository live')
            [CompletionResult]::new('--python', '--python', [CompletionResultType]::ParameterName, 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Use a team server (`secpip serve`) instead of the embedded backend')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Store, queue and secure repository: embedded (default) or aws')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Never prompt; the policy decides (also SECPIP_CI or CI)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secpip;db;help' {
            [CompletionResult]::new('import-osv', 'import-osv', [CompletionResultType]::ParameterValue, 'Import an OSV `all.zip` (one ecosystem''s dump, e.g. PyPI''s or npm''s); it replaces what an earlier import stored for the same ecosystem')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secpip;db;help;import-osv' {
            break
        }
        'secpip;db;help;help' {
            break
        }
        'secpip;repo' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./secpip.toml, then the user config dir)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the status store and secure repository live')
            [CompletionResult]::new('--python', '--python', [CompletionResultType]::ParameterName, 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Use a team server (`secpip serve`) instead of the embedded backend')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Store, queue and secure repository: embedded (default) or aws')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Never prompt; the policy decides (also SECPIP_CI or CI)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the secure repository until interrupted')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secpip;repo;serve' {
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to bind (loopback by default)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./secpip.toml, then the user config dir)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the status store and secure repository live')
            [CompletionResult]::new('--python', '--python', [CompletionResultType]::ParameterName, 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Use a team server (`secpip serve`) instead of the embedded backend')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Store, queue and secure repository: embedded (default) or aws')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Never prompt; the policy decides (also SECPIP_CI or CI)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secpip;repo;help' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the secure repository until interrupted')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secpip;repo;help;serve' {
            break
        }
        'secpip;repo;help;help' {
            break
        }
        'secpip;serve' {
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to listen on (default 127.0.0.1:8282; `[serve] bind`). Anything but loopback exposes the API to the network')
            [CompletionResult]::new('--admin-token-env', '--admin-token-env', [CompletionResultType]::ParameterName, 'Environment variable holding the admin tokens (`label:token`, comma-separated; default SECPIP_ADMIN_TOKEN, else `[serve] admin_tokens`)')
            [CompletionResult]::new('--read-token-env', '--read-token-env', [CompletionResultType]::ParameterName, 'Environment variable holding read tokens (default SECPIP_READ_TOKEN, else `[serve] read_tokens`); when any are set, reads need a token')
            [CompletionResult]::new('--public-read', '--public-read', [CompletionResultType]::ParameterName, 'Whether reads (package-check, status, index, scans) are open without a token (default true; `[serve] public_read`)')
            [CompletionResult]::new('--slack-webhook-url', '--slack-webhook-url', [CompletionResultType]::ParameterName, 'Slack incoming-webhook URL for BLOCKs and policy changes (else SECPIP_SLACK_WEBHOOK_URL, else `[serve] slack_webhook_url`)')
            [CompletionResult]::new('--webhook-url', '--webhook-url', [CompletionResultType]::ParameterName, 'Generic webhook URL receiving the same events as JSON (else SECPIP_WEBHOOK_URL, else `[serve] webhook_url`)')
            [CompletionResult]::new('--artifact-origin', '--artifact-origin', [CompletionResultType]::ParameterName, 'Where scan requests'' artifacts may be downloaded from (repeatable; default: `[serve] artifact_origins`, else the configured upstreams)')
            [CompletionResult]::new('--shutdown-grace', '--shutdown-grace', [CompletionResultType]::ParameterName, 'Seconds shutdown waits for in-flight scans before releasing their claims (default 30; `[serve] shutdown_grace_secs`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./secpip.toml, then the user config dir)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the status store and secure repository live')
            [CompletionResult]::new('--python', '--python', [CompletionResultType]::ParameterName, 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Use a team server (`secpip serve`) instead of the embedded backend')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Store, queue and secure repository: embedded (default) or aws')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Never prompt; the policy decides (also SECPIP_CI or CI)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secpip;audit' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only entries at or after this time, e.g. `2026-01-31T00:00:00Z`')
            [CompletionResult]::new('--package', '--package', [CompletionResultType]::ParameterName, 'Only this package (`name`, `name@ver`, `npm:name`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./secpip.toml, then the user config dir)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the status store and secure repository live')
            [CompletionResult]::new('--python', '--python', [CompletionResultType]::ParameterName, 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Use a team server (`secpip serve`) instead of the embedded backend')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Store, queue and secure repository: embedded (default) or aws')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Never prompt; the policy decides (also SECPIP_CI or CI)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secpip;worker' {
            [CompletionResult]::new('--queue-url', '--queue-url', [CompletionResultType]::ParameterName, 'SQS queue the scan-request rule targets (default: [aws] queue_url)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Scans at once (default: [aws] worker_concurrency, 16)')
            [CompletionResult]::new('--wait-secs', '--wait-secs', [CompletionResultType]::ParameterName, 'Seconds each receive long-polls (1-20)')
            [CompletionResult]::new('--artifact-origin', '--artifact-origin', [CompletionResultType]::ParameterName, 'Where scan requests'' artifacts may be downloaded from (repeatable; default: the configured upstreams)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./secpip.toml, then the user config dir)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the status store and secure repository live')
            [CompletionResult]::new('--python', '--python', [CompletionResultType]::ParameterName, 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Use a team server (`secpip serve`) instead of the embedded backend')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Store, queue and secure repository: embedded (default) or aws')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--no-events', '--no-events', [CompletionResultType]::ParameterName, 'Do not publish PackageSecured / PackageBlocked events')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Never prompt; the policy decides (also SECPIP_CI or CI)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secpip;generate' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: ./secpip.toml, then the user config dir)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where the status store and secure repository live')
            [CompletionResult]::new('--python', '--python', [CompletionResultType]::ParameterName, 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Use a team server (`secpip serve`) instead of the embedded backend')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Store, queue and secure repository: embedded (default) or aws')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'AWS named profile (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region (backend aws; default: the SDK''s chain)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('--ci', '--ci', [CompletionResultType]::ParameterName, 'Never prompt; the policy decides (also SECPIP_CI or CI)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less (repeat for even less)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (repeat for debug logs)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'secpip;help' {
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Vet the whole tree, then pip install it from the secure repository')
            [CompletionResult]::new('npm', 'npm', [CompletionResultType]::ParameterValue, 'npm with the whole tree vetted first (`secpip npm install`, `secpip npm ci`)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Print the verdict for a package without installing it')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'List vetted, blocked and in-flight packages')
            [CompletionResult]::new('allow', 'allow', [CompletionResultType]::ParameterValue, 'Always allow a package (or one version); it is vetted again on next install')
            [CompletionResult]::new('block', 'block', [CompletionResultType]::ParameterValue, 'Always block a package (or one version), and remove it from the secure repository')
            [CompletionResult]::new('data', 'data', [CompletionResultType]::ParameterValue, 'Manage the popular-package snapshot used for look-alike detection')
            [CompletionResult]::new('db', 'db', [CompletionResultType]::ParameterValue, 'Manage the offline advisory database (OSV)')
            [CompletionResult]::new('repo', 'repo', [CompletionResultType]::ParameterValue, 'Work with the local secure repository')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the team server: firewall API, shared status table, secure index')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'List the audit log: who decided what, when and why')
            [CompletionResult]::new('worker', 'worker', [CompletionResultType]::ParameterValue, 'Scan requests from the AWS queue (backend aws); run as many as needed')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write shell completions and the man page (used by install.sh)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'secpip;help;install' {
            break
        }
        'secpip;help;npm' {
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Vet the tree, then npm install from the secure registry')
            [CompletionResult]::new('ci', 'ci', [CompletionResultType]::ParameterValue, 'Vet the existing package-lock.json, then npm ci from the secure registry')
            break
        }
        'secpip;help;npm;install' {
            break
        }
        'secpip;help;npm;ci' {
            break
        }
        'secpip;help;check' {
            break
        }
        'secpip;help;status' {
            break
        }
        'secpip;help;allow' {
            break
        }
        'secpip;help;block' {
            break
        }
        'secpip;help;data' {
            [CompletionResult]::new('refresh-popular', 'refresh-popular', [CompletionResultType]::ParameterValue, 'Download a top-packages list (top-pypi-packages JSON format) and use it from now on')
            break
        }
        'secpip;help;data;refresh-popular' {
            break
        }
        'secpip;help;db' {
            [CompletionResult]::new('import-osv', 'import-osv', [CompletionResultType]::ParameterValue, 'Import an OSV `all.zip` (one ecosystem''s dump, e.g. PyPI''s or npm''s); it replaces what an earlier import stored for the same ecosystem')
            break
        }
        'secpip;help;db;import-osv' {
            break
        }
        'secpip;help;repo' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the secure repository until interrupted')
            break
        }
        'secpip;help;repo;serve' {
            break
        }
        'secpip;help;serve' {
            break
        }
        'secpip;help;audit' {
            break
        }
        'secpip;help;worker' {
            break
        }
        'secpip;help;generate' {
            break
        }
        'secpip;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
