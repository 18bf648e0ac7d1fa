# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_secpip_global_optspecs
    string join \n json ci q/quiet v/verbose config= data-dir= python= server= backend= profile= region= h/help V/version
end

function __fish_secpip_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_secpip_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_secpip_using_subcommand
    set -l cmd (__fish_secpip_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c secpip -n "__fish_secpip_needs_command" -l config -d 'Config file (default: ./secpip.toml, then the user config dir)' -r -F
complete -c secpip -n "__fish_secpip_needs_command" -l data-dir -d 'Where the status store and secure repository live' -r -F
complete -c secpip -n "__fish_secpip_needs_command" -l python -d 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)' -r -F
complete -c secpip -n "__fish_secpip_needs_command" -l server -d 'Use a team server (`secpip serve`) instead of the embedded backend' -r
complete -c secpip -n "__fish_secpip_needs_command" -l backend -d 'Store, queue and secure repository: embedded (default) or aws' -r
complete -c secpip -n "__fish_secpip_needs_command" -l profile -d 'AWS named profile (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_needs_command" -l region -d 'AWS region (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_needs_command" -l json -d 'Print machine-readable JSON on stdout'
complete -c secpip -n "__fish_secpip_needs_command" -l ci -d 'Never prompt; the policy decides (also SECPIP_CI or CI)'
complete -c secpip -n "__fish_secpip_needs_command" -s q -l quiet -d 'Print less (repeat for even less)'
complete -c secpip -n "__fish_secpip_needs_command" -s v -l verbose -d 'Print more (repeat for debug logs)'
complete -c secpip -n "__fish_secpip_needs_command" -s h -l help -d 'Print help'
complete -c secpip -n "__fish_secpip_needs_command" -s V -l version -d 'Print version'
complete -c secpip -n "__fish_secpip_needs_command" -f -a "install" -d 'Vet the whole tree, then pip install it from the secure repository'
complete -c secpip -n "__fish_secpip_needs_command" -f -a "npm" -d 'npm with the whole tree vetted first (`secpip npm install`, `secpip npm ci`)'
complete -c secpip -n "__fish_secpip_needs_command" -f -a "check" -d 'Print the verdict for a package without installing it'
complete -c secpip -n "__fish_secpip_needs_command" -f -a "status" -d 'List vetted, blocked and in-flight packages'
complete -c secpip -n "__fish_secpip_needs_command" -f -a "allow" -d 'Always allow a package (or one version); it is vetted again on next install'
complete -c secpip -n "__fish_secpip_needs_command" -f -a "block" -d 'Always block a package (or one version), and remove it from the secure repository'
complete -c secpip -n "__fish_secpip_needs_command" -f -a "data" -d 'Manage the popular-package snapshot used for look-alike detection'
complete -c secpip -n "__fish_secpip_needs_command" -f -a "db" -d 'Manage the offline advisory database (OSV)'
complete -c secpip -n "__fish_secpip_needs_command" -f -a "repo" -d 'Work with the local secure repository'
complete -c secpip -n "__fish_secpip_needs_command" -f -a "serve" -d 'Run the team server: firewall API, shared status table, secure index'
complete -c secpip -n "__fish_secpip_needs_command" -f -a "audit" -d 'List the audit log: who decided what, when and why'
complete -c secpip -n "__fish_secpip_needs_command" -f -a "worker" -d 'Scan requests from the AWS queue (backend aws); run as many as needed'
complete -c secpip -n "__fish_secpip_needs_command" -f -a "generate" -d 'Write shell completions and the man page (used by install.sh)'
complete -c secpip -n "__fish_secpip_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secpip -n "__fish_secpip_using_subcommand install" -s r -l requirement -d 'Install from the given requirements file (repeatable)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand install" -l timeout -d 'Seconds to wait for verdicts before giving up' -r
complete -c secpip -n "__fish_secpip_using_subcommand install" -l format -d 'Also write a report of blocked packages to stdout (sarif, asff or json)' -r -f -a "human\t'Text for people (the default)'
json\t'JSON (same as `--json`)'
sarif\t'SARIF 2.1.0, for code scanning'
asff\t'AWS Security Finding Format, for Security Hub'"
complete -c secpip -n "__fish_secpip_using_subcommand install" -l config -d 'Config file (default: ./secpip.toml, then the user config dir)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand install" -l data-dir -d 'Where the status store and secure repository live' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand install" -l python -d 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand install" -l server -d 'Use a team server (`secpip serve`) instead of the embedded backend' -r
complete -c secpip -n "__fish_secpip_using_subcommand install" -l backend -d 'Store, queue and secure repository: embedded (default) or aws' -r
complete -c secpip -n "__fish_secpip_using_subcommand install" -l profile -d 'AWS named profile (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand install" -l region -d 'AWS region (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand install" -l json -d 'Print machine-readable JSON on stdout'
complete -c secpip -n "__fish_secpip_using_subcommand install" -l ci -d 'Never prompt; the policy decides (also SECPIP_CI or CI)'
complete -c secpip -n "__fish_secpip_using_subcommand install" -s q -l quiet -d 'Print less (repeat for even less)'
complete -c secpip -n "__fish_secpip_using_subcommand install" -s v -l verbose -d 'Print more (repeat for debug logs)'
complete -c secpip -n "__fish_secpip_using_subcommand install" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secpip -n "__fish_secpip_using_subcommand install" -s V -l version -d 'Print version'
complete -c secpip -n "__fish_secpip_using_subcommand npm; and not __fish_seen_subcommand_from install ci help" -l config -d 'Config file (default: ./secpip.toml, then the user config dir)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand npm; and not __fish_seen_subcommand_from install ci help" -l data-dir -d 'Where the status store and secure repository live' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand npm; and not __fish_seen_subcommand_from install ci help" -l python -d 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand npm; and not __fish_seen_subcommand_from install ci help" -l server -d 'Use a team server (`secpip serve`) instead of the embedded backend' -r
complete -c secpip -n "__fish_secpip_using_subcommand npm; and not __fish_seen_subcommand_from install ci help" -l backend -d 'Store, queue and secure repository: embedded (default) or aws' -r
complete -c secpip -n "__fish_secpip_using_subcommand npm; and not __fish_seen_subcommand_from install ci help" -l profile -d 'AWS named profile (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand npm; and not __fish_seen_subcommand_from install ci help" -l region -d 'AWS region (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand npm; and not __fish_seen_subcommand_from install ci help" -l json -d 'Print machine-readable JSON on stdout'
complete -c secpip -n "__fish_secpip_using_subcommand npm; and not __fish_seen_subcommand_from install ci help" -l ci -d 'Never prompt; the policy decides (also SECPIP_CI or CI)'
complete -c secpip -n "__fish_secpip_using_subcommand npm; and not __fish_seen_subcommand_from install ci help" -s q -l quiet -d 'Print less (repeat for even less)'
complete -c secpip -n "__fish_secpip_using_subcommand npm; and not __fish_seen_subcommand_from install ci help" -s v -l verbose -d 'Print more (repeat for debug logs)'
complete -c secpip -n "__fish_secpip_using_subcommand npm; and not __fish_seen_subcommand_from install ci help" -s h -l help -d 'Print help'
complete -c secpip -n "__fish_secpip_using_subcommand npm; and not __fish_seen_subcommand_from install ci help" -s V -l version -d 'Print version'
complete -c secpip -n "__fish_secpip_using_subcommand npm; and not __fish_seen_subcommand_from install ci help" -f -a "install" -d 'Vet the tree, then npm install from the secure registry'
complete -c secpip -n "__fish_secpip_using_subcommand npm; and not __fish_seen_subcommand_from install ci help" -f -a "ci" -d 'Vet the existing package-lock.json, then npm ci from the secure registry'
complete -c secpip -n "__fish_secpip_using_subcommand npm; and not __fish_seen_subcommand_from install ci help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from install" -s C -l prefix -d 'The project folder (default: the current directory)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from install" -l config -d 'Config file (default: ./secpip.toml, then the user config dir)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from install" -l data-dir -d 'Where the status store and secure repository live' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from install" -l python -d 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from install" -l server -d 'Use a team server (`secpip serve`) instead of the embedded backend' -r
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from install" -l backend -d 'Store, queue and secure repository: embedded (default) or aws' -r
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from install" -l profile -d 'AWS named profile (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from install" -l region -d 'AWS region (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from install" -l json -d 'Print machine-readable JSON on stdout'
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from install" -l ci -d 'Never prompt; the policy decides (also SECPIP_CI or CI)'
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from install" -s q -l quiet -d 'Print less (repeat for even less)'
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from install" -s v -l verbose -d 'Print more (repeat for debug logs)'
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from install" -s h -l help -d 'Print help'
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from install" -s V -l version -d 'Print version'
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from ci" -s C -l prefix -d 'The project folder (default: the current directory)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from ci" -l config -d 'Config file (default: ./secpip.toml, then the user config dir)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from ci" -l data-dir -d 'Where the status store and secure repository live' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from ci" -l python -d 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from ci" -l server -d 'Use a team server (`secpip serve`) instead of the embedded backend' -r
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from ci" -l backend -d 'Store, queue and secure repository: embedded (default) or aws' -r
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from ci" -l profile -d 'AWS named profile (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from ci" -l region -d 'AWS region (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from ci" -l json -d 'Print machine-readable JSON on stdout'
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from ci" -l ci -d 'Never prompt; the policy decides (also SECPIP_CI or CI)'
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from ci" -s q -l quiet -d 'Print less (repeat for even less)'
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from ci" -s v -l verbose -d 'Print more (repeat for debug logs)'
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from ci" -s h -l help -d 'Print help'
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from ci" -s V -l version -d 'Print version'
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from help" -f -a "install" -d 'Vet the tree, then npm install from the secure registry'
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from help" -f -a "ci" -d 'Vet the existing package-lock.json, then npm ci from the secure registry'
complete -c secpip -n "__fish_secpip_using_subcommand npm; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secpip -n "__fish_secpip_using_subcommand check" -l platform -d 'The registry the names belong to' -r -f -a "pypi\t'Python packages installed by pip'
npm\t'JavaScript packages installed by npm'"
complete -c secpip -n "__fish_secpip_using_subcommand check" -l format -d 'Output format; `sarif` and `asff` print one document for all inputs' -r -f -a "human\t'Text for people (the default)'
json\t'JSON (same as `--json`)'
sarif\t'SARIF 2.1.0, for code scanning'
asff\t'AWS Security Finding Format, for Security Hub'"
complete -c secpip -n "__fish_secpip_using_subcommand check" -l manifest -d 'The dependency file SARIF results point at' -r
complete -c secpip -n "__fish_secpip_using_subcommand check" -l fail-on -d 'Which decision makes the exit code 3: `block` (default), or `review` to fail on anything a person must approve first too, as `install` refuses under `policy.review = "block"`' -r -f -a "block\t'Only blocked packages fail the run'
review\t'Blocked packages and those that need a person\'s review'"
complete -c secpip -n "__fish_secpip_using_subcommand check" -l config -d 'Config file (default: ./secpip.toml, then the user config dir)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand check" -l data-dir -d 'Where the status store and secure repository live' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand check" -l python -d 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand check" -l server -d 'Use a team server (`secpip serve`) instead of the embedded backend' -r
complete -c secpip -n "__fish_secpip_using_subcommand check" -l backend -d 'Store, queue and secure repository: embedded (default) or aws' -r
complete -c secpip -n "__fish_secpip_using_subcommand check" -l profile -d 'AWS named profile (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand check" -l region -d 'AWS region (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand check" -l offline -d 'Use only shipped data and the offline advisory database; no network'
complete -c secpip -n "__fish_secpip_using_subcommand check" -l json -d 'Print machine-readable JSON on stdout'
complete -c secpip -n "__fish_secpip_using_subcommand check" -l ci -d 'Never prompt; the policy decides (also SECPIP_CI or CI)'
complete -c secpip -n "__fish_secpip_using_subcommand check" -s q -l quiet -d 'Print less (repeat for even less)'
complete -c secpip -n "__fish_secpip_using_subcommand check" -s v -l verbose -d 'Print more (repeat for debug logs)'
complete -c secpip -n "__fish_secpip_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c secpip -n "__fish_secpip_using_subcommand check" -s V -l version -d 'Print version'
complete -c secpip -n "__fish_secpip_using_subcommand status" -l config -d 'Config file (default: ./secpip.toml, then the user config dir)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand status" -l data-dir -d 'Where the status store and secure repository live' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand status" -l python -d 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand status" -l server -d 'Use a team server (`secpip serve`) instead of the embedded backend' -r
complete -c secpip -n "__fish_secpip_using_subcommand status" -l backend -d 'Store, queue and secure repository: embedded (default) or aws' -r
complete -c secpip -n "__fish_secpip_using_subcommand status" -l profile -d 'AWS named profile (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand status" -l region -d 'AWS region (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand status" -l json -d 'Print machine-readable JSON on stdout'
complete -c secpip -n "__fish_secpip_using_subcommand status" -l ci -d 'Never prompt; the policy decides (also SECPIP_CI or CI)'
complete -c secpip -n "__fish_secpip_using_subcommand status" -s q -l quiet -d 'Print less (repeat for even less)'
complete -c secpip -n "__fish_secpip_using_subcommand status" -s v -l verbose -d 'Print more (repeat for debug logs)'
complete -c secpip -n "__fish_secpip_using_subcommand status" -s h -l help -d 'Print help'
complete -c secpip -n "__fish_secpip_using_subcommand status" -s V -l version -d 'Print version'
complete -c secpip -n "__fish_secpip_using_subcommand allow" -l reason -d 'Why; shown to everyone the decision affects' -r
complete -c secpip -n "__fish_secpip_using_subcommand allow" -l config -d 'Config file (default: ./secpip.toml, then the user config dir)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand allow" -l data-dir -d 'Where the status store and secure repository live' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand allow" -l python -d 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand allow" -l server -d 'Use a team server (`secpip serve`) instead of the embedded backend' -r
complete -c secpip -n "__fish_secpip_using_subcommand allow" -l backend -d 'Store, queue and secure repository: embedded (default) or aws' -r
complete -c secpip -n "__fish_secpip_using_subcommand allow" -l profile -d 'AWS named profile (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand allow" -l region -d 'AWS region (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand allow" -l json -d 'Print machine-readable JSON on stdout'
complete -c secpip -n "__fish_secpip_using_subcommand allow" -l ci -d 'Never prompt; the policy decides (also SECPIP_CI or CI)'
complete -c secpip -n "__fish_secpip_using_subcommand allow" -s q -l quiet -d 'Print less (repeat for even less)'
complete -c secpip -n "__fish_secpip_using_subcommand allow" -s v -l verbose -d 'Print more (repeat for debug logs)'
complete -c secpip -n "__fish_secpip_using_subcommand allow" -s h -l help -d 'Print help'
complete -c secpip -n "__fish_secpip_using_subcommand allow" -s V -l version -d 'Print version'
complete -c secpip -n "__fish_secpip_using_subcommand block" -l reason -d 'Why; shown to everyone the decision affects' -r
complete -c secpip -n "__fish_secpip_using_subcommand block" -l config -d 'Config file (default: ./secpip.toml, then the user config dir)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand block" -l data-dir -d 'Where the status store and secure repository live' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand block" -l python -d 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand block" -l server -d 'Use a team server (`secpip serve`) instead of the embedded backend' -r
complete -c secpip -n "__fish_secpip_using_subcommand block" -l backend -d 'Store, queue and secure repository: embedded (default) or aws' -r
complete -c secpip -n "__fish_secpip_using_subcommand block" -l profile -d 'AWS named profile (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand block" -l region -d 'AWS region (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand block" -l json -d 'Print machine-readable JSON on stdout'
complete -c secpip -n "__fish_secpip_using_subcommand block" -l ci -d 'Never prompt; the policy decides (also SECPIP_CI or CI)'
complete -c secpip -n "__fish_secpip_using_subcommand block" -s q -l quiet -d 'Print less (repeat for even less)'
complete -c secpip -n "__fish_secpip_using_subcommand block" -s v -l verbose -d 'Print more (repeat for debug logs)'
complete -c secpip -n "__fish_secpip_using_subcommand block" -s h -l help -d 'Print help'
complete -c secpip -n "__fish_secpip_using_subcommand block" -s V -l version -d 'Print version'
complete -c secpip -n "__fish_secpip_using_subcommand data; and not __fish_seen_subcommand_from refresh-popular help" -l config -d 'Config file (default: ./secpip.toml, then the user config dir)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand data; and not __fish_seen_subcommand_from refresh-popular help" -l data-dir -d 'Where the status store and secure repository live' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand data; and not __fish_seen_subcommand_from refresh-popular help" -l python -d 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand data; and not __fish_seen_subcommand_from refresh-popular help" -l server -d 'Use a team server (`secpip serve`) instead of the embedded backend' -r
complete -c secpip -n "__fish_secpip_using_subcommand data; and not __fish_seen_subcommand_from refresh-popular help" -l backend -d 'Store, queue and secure repository: embedded (default) or aws' -r
complete -c secpip -n "__fish_secpip_using_subcommand data; and not __fish_seen_subcommand_from refresh-popular help" -l profile -d 'AWS named profile (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand data; and not __fish_seen_subcommand_from refresh-popular help" -l region -d 'AWS region (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand data; and not __fish_seen_subcommand_from refresh-popular help" -l json -d 'Print machine-readable JSON on stdout'
complete -c secpip -n "__fish_secpip_using_subcommand data; and not __fish_seen_subcommand_from refresh-popular help" -l ci -d 'Never prompt; the policy decides (also SECPIP_CI or CI)'
complete -c secpip -n "__fish_secpip_using_subcommand data; and not __fish_seen_subcommand_from refresh-popular help" -s q -l quiet -d 'Print less (repeat for even less)'
complete -c secpip -n "__fish_secpip_using_subcommand data; and not __fish_seen_subcommand_from refresh-popular help" -s v -l verbose -d 'Print more (repeat for debug logs)'
complete -c secpip -n "__fish_secpip_using_subcommand data; and not __fish_seen_subcommand_from refresh-popular help" -s h -l help -d 'Print help'
complete -c secpip -n "__fish_secpip_using_subcommand data; and not __fish_seen_subcommand_from refresh-popular help" -s V -l version -d 'Print version'
complete -c secpip -n "__fish_secpip_using_subcommand data; and not __fish_seen_subcommand_from refresh-popular help" -f -a "refresh-popular" -d 'Download a top-packages list (top-pypi-packages JSON format) and use it from now on'
complete -c secpip -n "__fish_secpip_using_subcommand data; and not __fish_seen_subcommand_from refresh-popular help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secpip -n "__fish_secpip_using_subcommand data; and __fish_seen_subcommand_from refresh-popular" -l url -d 'URL (http, https or file path) of the JSON list' -r
complete -c secpip -n "__fish_secpip_using_subcommand data; and __fish_seen_subcommand_from refresh-popular" -l config -d 'Config file (default: ./secpip.toml, then the user config dir)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand data; and __fish_seen_subcommand_from refresh-popular" -l data-dir -d 'Where the status store and secure repository live' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand data; and __fish_seen_subcommand_from refresh-popular" -l python -d 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand data; and __fish_seen_subcommand_from refresh-popular" -l server -d 'Use a team server (`secpip serve`) instead of the embedded backend' -r
complete -c secpip -n "__fish_secpip_using_subcommand data; and __fish_seen_subcommand_from refresh-popular" -l backend -d 'Store, queue and secure repository: embedded (default) or aws' -r
complete -c secpip -n "__fish_secpip_using_subcommand data; and __fish_seen_subcommand_from refresh-popular" -l profile -d 'AWS named profile (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand data; and __fish_seen_subcommand_from refresh-popular" -l region -d 'AWS region (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand data; and __fish_seen_subcommand_from refresh-popular" -l json -d 'Print machine-readable JSON on stdout'
complete -c secpip -n "__fish_secpip_using_subcommand data; and __fish_seen_subcommand_from refresh-popular" -l ci -d 'Never prompt; the policy decides (also SECPIP_CI or CI)'
complete -c secpip -n "__fish_secpip_using_subcommand data; and __fish_seen_subcommand_from refresh-popular" -s q -l quiet -d 'Print less (repeat for even less)'
complete -c secpip -n "__fish_secpip_using_subcommand data; and __fish_seen_subcommand_from refresh-popular" -s v -l verbose -d 'Print more (repeat for debug logs)'
complete -c secpip -n "__fish_secpip_using_subcommand data; and __fish_seen_subcommand_from refresh-popular" -s h -l help -d 'Print help'
complete -c secpip -n "__fish_secpip_using_subcommand data; and __fish_seen_subcommand_from refresh-popular" -s V -l version -d 'Print version'
complete -c secpip -n "__fish_secpip_using_subcommand data; and __fish_seen_subcommand_from help" -f -a "refresh-popular" -d 'Download a top-packages list (top-pypi-packages JSON format) and use it from now on'
complete -c secpip -n "__fish_secpip_using_subcommand data; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secpip -n "__fish_secpip_using_subcommand db; and not __fish_seen_subcommand_from import-osv help" -l config -d 'Config file (default: ./secpip.toml, then the user config dir)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand db; and not __fish_seen_subcommand_from import-osv help" -l data-dir -d 'Where the status store and secure repository live' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand db; and not __fish_seen_subcommand_from import-osv help" -l python -d 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand db; and not __fish_seen_subcommand_from import-osv help" -l server -d 'Use a team server (`secpip serve`) instead of the embedded backend' -r
complete -c secpip -n "__fish_secpip_using_subcommand db; and not __fish_seen_subcommand_from import-osv help" -l backend -d 'Store, queue and secure repository: embedded (default) or aws' -r
complete -c secpip -n "__fish_secpip_using_subcommand db; and not __fish_seen_subcommand_from import-osv help" -l profile -d 'AWS named profile (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand db; and not __fish_seen_subcommand_from import-osv help" -l region -d 'AWS region (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand db; and not __fish_seen_subcommand_from import-osv help" -l json -d 'Print machine-readable JSON on stdout'
complete -c secpip -n "__fish_secpip_using_subcommand db; and not __fish_seen_subcommand_from import-osv help" -l ci -d 'Never prompt; the policy decides (also SECPIP_CI or CI)'
complete -c secpip -n "__fish_secpip_using_subcommand db; and not __fish_seen_subcommand_from import-osv help" -s q -l quiet -d 'Print less (repeat for even less)'
complete -c secpip -n "__fish_secpip_using_subcommand db; and not __fish_seen_subcommand_from import-osv help" -s v -l verbose -d 'Print more (repeat for debug logs)'
complete -c secpip -n "__fish_secpip_using_subcommand db; and not __fish_seen_subcommand_from import-osv help" -s h -l help -d 'Print help'
complete -c secpip -n "__fish_secpip_using_subcommand db; and not __fish_seen_subcommand_from import-osv help" -s V -l version -d 'Print version'
complete -c secpip -n "__fish_secpip_using_subcommand db; and not __fish_seen_subcommand_from import-osv help" -f -a "import-osv" -d 'Import an OSV `all.zip` (one ecosystem\'s dump, e.g. PyPI\'s or npm\'s); it replaces what an earlier import stored for the same ecosystem'
complete -c secpip -n "__fish_secpip_using_subcommand db; and not __fish_seen_subcommand_from import-osv help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secpip -n "__fish_secpip_using_subcommand db; and __fish_seen_subcommand_from import-osv" -l config -d 'Config file (default: ./secpip.toml, then the user config dir)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand db; and __fish_seen_subcommand_from import-osv" -l data-dir -d 'Where the status store and secure repository live' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand db; and __fish_seen_subcommand_from import-osv" -l python -d 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand db; and __fish_seen_subcommand_from import-osv" -l server -d 'Use a team server (`secpip serve`) instead of the embedded backend' -r
complete -c secpip -n "__fish_secpip_using_subcommand db; and __fish_seen_subcommand_from import-osv" -l backend -d 'Store, queue and secure repository: embedded (default) or aws' -r
complete -c secpip -n "__fish_secpip_using_subcommand db; and __fish_seen_subcommand_from import-osv" -l profile -d 'AWS named profile (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand db; and __fish_seen_subcommand_from import-osv" -l region -d 'AWS region (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand db; and __fish_seen_subcommand_from import-osv" -l json -d 'Print machine-readable JSON on stdout'
complete -c secpip -n "__fish_secpip_using_subcommand db; and __fish_seen_subcommand_from import-osv" -l ci -d 'Never prompt; the policy decides (also SECPIP_CI or CI)'
complete -c secpip -n "__fish_secpip_using_subcommand db; and __fish_seen_subcommand_from import-osv" -s q -l quiet -d 'Print less (repeat for even less)'
complete -c secpip -n "__fish_secpip_using_subcommand db; and __fish_seen_subcommand_from import-osv" -s v -l verbose -d 'Print more (repeat for debug logs)'
complete -c secpip -n "__fish_secpip_using_subcommand db; and __fish_seen_subcommand_from import-osv" -s h -l help -d 'Print help'
complete -c secpip -n "__fish_secpip_using_subcommand db; and __fish_seen_subcommand_from import-osv" -s V -l version -d 'Print version'
complete -c secpip -n "__fish_secpip_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "import-osv" -d 'Import an OSV `all.zip` (one ecosystem\'s dump, e.g. PyPI\'s or npm\'s); it replaces what an earlier import stored for the same ecosystem'
complete -c secpip -n "__fish_secpip_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secpip -n "__fish_secpip_using_subcommand repo; and not __fish_seen_subcommand_from serve help" -l config -d 'Config file (default: ./secpip.toml, then the user config dir)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand repo; and not __fish_seen_subcommand_from serve help" -l data-dir -d 'Where the status store and secure repository live' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand repo; and not __fish_seen_subcommand_from serve help" -l python -d 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand repo; and not __fish_seen_subcommand_from serve help" -l server -d 'Use a team server (`secpip serve`) instead of the embedded backend' -r
complete -c secpip -n "__fish_secpip_using_subcommand repo; and not __fish_seen_subcommand_from serve help" -l backend -d 'Store, queue and secure repository: embedded (default) or aws' -r
complete -c secpip -n "__fish_secpip_using_subcommand repo; and not __fish_seen_subcommand_from serve help" -l profile -d 'AWS named profile (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand repo; and not __fish_seen_subcommand_from serve help" -l region -d 'AWS region (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand repo; and not __fish_seen_subcommand_from serve help" -l json -d 'Print machine-readable JSON on stdout'
complete -c secpip -n "__fish_secpip_using_subcommand repo; and not __fish_seen_subcommand_from serve help" -l ci -d 'Never prompt; the policy decides (also SECPIP_CI or CI)'
complete -c secpip -n "__fish_secpip_using_subcommand repo; and not __fish_seen_subcommand_from serve help" -s q -l quiet -d 'Print less (repeat for even less)'
complete -c secpip -n "__fish_secpip_using_subcommand repo; and not __fish_seen_subcommand_from serve help" -s v -l verbose -d 'Print more (repeat for debug logs)'
complete -c secpip -n "__fish_secpip_using_subcommand repo; and not __fish_seen_subcommand_from serve help" -s h -l help -d 'Print help'
complete -c secpip -n "__fish_secpip_using_subcommand repo; and not __fish_seen_subcommand_from serve help" -s V -l version -d 'Print version'
complete -c secpip -n "__fish_secpip_using_subcommand repo; and not __fish_seen_subcommand_from serve help" -f -a "serve" -d 'Serve the secure repository until interrupted'
complete -c secpip -n "__fish_secpip_using_subcommand repo; and not __fish_seen_subcommand_from serve help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secpip -n "__fish_secpip_using_subcommand repo; and __fish_seen_subcommand_from serve" -l bind -d 'Address to bind (loopback by default)' -r
complete -c secpip -n "__fish_secpip_using_subcommand repo; and __fish_seen_subcommand_from serve" -l config -d 'Config file (default: ./secpip.toml, then the user config dir)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand repo; and __fish_seen_subcommand_from serve" -l data-dir -d 'Where the status store and secure repository live' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand repo; and __fish_seen_subcommand_from serve" -l python -d 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand repo; and __fish_seen_subcommand_from serve" -l server -d 'Use a team server (`secpip serve`) instead of the embedded backend' -r
complete -c secpip -n "__fish_secpip_using_subcommand repo; and __fish_seen_subcommand_from serve" -l backend -d 'Store, queue and secure repository: embedded (default) or aws' -r
complete -c secpip -n "__fish_secpip_using_subcommand repo; and __fish_seen_subcommand_from serve" -l profile -d 'AWS named profile (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand repo; and __fish_seen_subcommand_from serve" -l region -d 'AWS region (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand repo; and __fish_seen_subcommand_from serve" -l json -d 'Print machine-readable JSON on stdout'
complete -c secpip -n "__fish_secpip_using_subcommand repo; and __fish_seen_subcommand_from serve" -l ci -d 'Never prompt; the policy decides (also SECPIP_CI or CI)'
complete -c secpip -n "__fish_secpip_using_subcommand repo; and __fish_seen_subcommand_from serve" -s q -l quiet -d 'Print less (repeat for even less)'
complete -c secpip -n "__fish_secpip_using_subcommand repo; and __fish_seen_subcommand_from serve" -s v -l verbose -d 'Print more (repeat for debug logs)'
complete -c secpip -n "__fish_secpip_using_subcommand repo; and __fish_seen_subcommand_from serve" -s h -l help -d 'Print help'
complete -c secpip -n "__fish_secpip_using_subcommand repo; and __fish_seen_subcommand_from serve" -s V -l version -d 'Print version'
complete -c secpip -n "__fish_secpip_using_subcommand repo; and __fish_seen_subcommand_from help" -f -a "serve" -d 'Serve the secure repository until interrupted'
complete -c secpip -n "__fish_secpip_using_subcommand repo; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secpip -n "__fish_secpip_using_subcommand serve" -l bind -d 'Address to listen on (default 127.0.0.1:8282; `[serve] bind`). Anything but loopback exposes the API to the network' -r
complete -c secpip -n "__fish_secpip_using_subcommand serve" -l admin-token-env -d 'Environment variable holding the admin tokens (`label:token`, comma-separated; default SECPIP_ADMIN_TOKEN, else `[serve] admin_tokens`)' -r
complete -c secpip -n "__fish_secpip_using_subcommand serve" -l read-token-env -d 'Environment variable holding read tokens (default SECPIP_READ_TOKEN, else `[serve] read_tokens`); when any are set, reads need a token' -r
complete -c secpip -n "__fish_secpip_using_subcommand serve" -l public-read -d 'Whether reads (package-check, status, index, scans) are open without a token (default true; `[serve] public_read`)' -r -f -a "true\t''
false\t''"
complete -c secpip -n "__fish_secpip_using_subcommand serve" -l slack-webhook-url -d 'Slack incoming-webhook URL for BLOCKs and policy changes (else SECPIP_SLACK_WEBHOOK_URL, else `[serve] slack_webhook_url`)' -r
complete -c secpip -n "__fish_secpip_using_subcommand serve" -l webhook-url -d 'Generic webhook URL receiving the same events as JSON (else SECPIP_WEBHOOK_URL, else `[serve] webhook_url`)' -r
complete -c secpip -n "__fish_secpip_using_subcommand serve" -l artifact-origin -d 'Where scan requests\' artifacts may be downloaded from (repeatable; default: `[serve] artifact_origins`, else the configured upstreams)' -r
complete -c secpip -n "__fish_secpip_using_subcommand serve" -l shutdown-grace -d 'Seconds shutdown waits for in-flight scans before releasing their claims (default 30; `[serve] shutdown_grace_secs`)' -r
complete -c secpip -n "__fish_secpip_using_subcommand serve" -l config -d 'Config file (default: ./secpip.toml, then the user config dir)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand serve" -l data-dir -d 'Where the status store and secure repository live' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand serve" -l python -d 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand serve" -l server -d 'Use a team server (`secpip serve`) instead of the embedded backend' -r
complete -c secpip -n "__fish_secpip_using_subcommand serve" -l backend -d 'Store, queue and secure repository: embedded (default) or aws' -r
complete -c secpip -n "__fish_secpip_using_subcommand serve" -l profile -d 'AWS named profile (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand serve" -l region -d 'AWS region (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand serve" -l json -d 'Print machine-readable JSON on stdout'
complete -c secpip -n "__fish_secpip_using_subcommand serve" -l ci -d 'Never prompt; the policy decides (also SECPIP_CI or CI)'
complete -c secpip -n "__fish_secpip_using_subcommand serve" -s q -l quiet -d 'Print less (repeat for even less)'
complete -c secpip -n "__fish_secpip_using_subcommand serve" -s v -l verbose -d 'Print more (repeat for debug logs)'
complete -c secpip -n "__fish_secpip_using_subcommand serve" -s h -l help -d 'Print help'
complete -c secpip -n "__fish_secpip_using_subcommand serve" -s V -l version -d 'Print version'
complete -c secpip -n "__fish_secpip_using_subcommand audit" -l since -d 'Only entries at or after this time, e.g. `2026-01-31T00:00:00Z`' -r
complete -c secpip -n "__fish_secpip_using_subcommand audit" -l package -d 'Only this package (`name`, `name@ver`, `npm:name`)' -r
complete -c secpip -n "__fish_secpip_using_subcommand audit" -l config -d 'Config file (default: ./secpip.toml, then the user config dir)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand audit" -l data-dir -d 'Where the status store and secure repository live' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand audit" -l python -d 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand audit" -l server -d 'Use a team server (`secpip serve`) instead of the embedded backend' -r
complete -c secpip -n "__fish_secpip_using_subcommand audit" -l backend -d 'Store, queue and secure repository: embedded (default) or aws' -r
complete -c secpip -n "__fish_secpip_using_subcommand audit" -l profile -d 'AWS named profile (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand audit" -l region -d 'AWS region (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand audit" -l json -d 'Print machine-readable JSON on stdout'
complete -c secpip -n "__fish_secpip_using_subcommand audit" -l ci -d 'Never prompt; the policy decides (also SECPIP_CI or CI)'
complete -c secpip -n "__fish_secpip_using_subcommand audit" -s q -l quiet -d 'Print less (repeat for even less)'
complete -c secpip -n "__fish_secpip_using_subcommand audit" -s v -l verbose -d 'Print more (repeat for debug logs)'
complete -c secpip -n "__fish_secpip_using_subcommand audit" -s h -l help -d 'Print help'
complete -c secpip -n "__fish_secpip_using_subcommand audit" -s V -l version -d 'Print version'
complete -c secpip -n "__fish_secpip_using_subcommand worker" -l queue-url -d 'SQS queue the scan-request rule targets (default: [aws] queue_url)' -r
complete -c secpip -n "__fish_secpip_using_subcommand worker" -l concurrency -d 'Scans at once (default: [aws] worker_concurrency, 16)' -r
complete -c secpip -n "__fish_secpip_using_subcommand worker" -l wait-secs -d 'Seconds each receive long-polls (1-20)' -r
complete -c secpip -n "__fish_secpip_using_subcommand worker" -l artifact-origin -d 'Where scan requests\' artifacts may be downloaded from (repeatable; default: the configured upstreams)' -r
complete -c secpip -n "__fish_secpip_using_subcommand worker" -l config -d 'Config file (default: ./secpip.toml, then the user config dir)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand worker" -l data-dir -d 'Where the status store and secure repository live' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand worker" -l python -d 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand worker" -l server -d 'Use a team server (`secpip serve`) instead of the embedded backend' -r
complete -c secpip -n "__fish_secpip_using_subcommand worker" -l backend -d 'Store, queue and secure repository: embedded (default) or aws' -r
complete -c secpip -n "__fish_secpip_using_subcommand worker" -l profile -d 'AWS named profile (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand worker" -l region -d 'AWS region (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand worker" -l no-events -d 'Do not publish PackageSecured / PackageBlocked events'
complete -c secpip -n "__fish_secpip_using_subcommand worker" -l json -d 'Print machine-readable JSON on stdout'
complete -c secpip -n "__fish_secpip_using_subcommand worker" -l ci -d 'Never prompt; the policy decides (also SECPIP_CI or CI)'
complete -c secpip -n "__fish_secpip_using_subcommand worker" -s q -l quiet -d 'Print less (repeat for even less)'
complete -c secpip -n "__fish_secpip_using_subcommand worker" -s v -l verbose -d 'Print more (repeat for debug logs)'
complete -c secpip -n "__fish_secpip_using_subcommand worker" -s h -l help -d 'Print help'
complete -c secpip -n "__fish_secpip_using_subcommand worker" -s V -l version -d 'Print version'
complete -c secpip -n "__fish_secpip_using_subcommand generate" -l config -d 'Config file (default: ./secpip.toml, then the user config dir)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand generate" -l data-dir -d 'Where the status store and secure repository live' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand generate" -l python -d 'The Python whose pip resolves and installs (default: $VIRTUAL_ENV, else python3)' -r -F
complete -c secpip -n "__fish_secpip_using_subcommand generate" -l server -d 'Use a team server (`secpip serve`) instead of the embedded backend' -r
complete -c secpip -n "__fish_secpip_using_subcommand generate" -l backend -d 'Store, queue and secure repository: embedded (default) or aws' -r
complete -c secpip -n "__fish_secpip_using_subcommand generate" -l profile -d 'AWS named profile (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand generate" -l region -d 'AWS region (backend aws; default: the SDK\'s chain)' -r
complete -c secpip -n "__fish_secpip_using_subcommand generate" -l json -d 'Print machine-readable JSON on stdout'
complete -c secpip -n "__fish_secpip_using_subcommand generate" -l ci -d 'Never prompt; the policy decides (also SECPIP_CI or CI)'
complete -c secpip -n "__fish_secpip_using_subcommand generate" -s q -l quiet -d 'Print less (repeat for even less)'
complete -c secpip -n "__fish_secpip_using_subcommand generate" -s v -l verbose -d 'Print more (repeat for debug logs)'
complete -c secpip -n "__fish_secpip_using_subcommand generate" -s h -l help -d 'Print help'
complete -c secpip -n "__fish_secpip_using_subcommand generate" -s V -l version -d 'Print version'
complete -c secpip -n "__fish_secpip_using_subcommand help; and not __fish_seen_subcommand_from install npm check status allow block data db repo serve audit worker generate help" -f -a "install" -d 'Vet the whole tree, then pip install it from the secure repository'
complete -c secpip -n "__fish_secpip_using_subcommand help; and not __fish_seen_subcommand_from install npm check status allow block data db repo serve audit worker generate help" -f -a "npm" -d 'npm with the whole tree vetted first (`secpip npm install`, `secpip npm ci`)'
complete -c secpip -n "__fish_secpip_using_subcommand help; and not __fish_seen_subcommand_from install npm check status allow block data db repo serve audit worker generate help" -f -a "check" -d 'Print the verdict for a package without installing it'
complete -c secpip -n "__fish_secpip_using_subcommand help; and not __fish_seen_subcommand_from install npm check status allow block data db repo serve audit worker generate help" -f -a "status" -d 'List vetted, blocked and in-flight packages'
complete -c secpip -n "__fish_secpip_using_subcommand help; and not __fish_seen_subcommand_from install npm check status allow block data db repo serve audit worker generate help" -f -a "allow" -d 'Always allow a package (or one version); it is vetted again on next install'
complete -c secpip -n "__fish_secpip_using_subcommand help; and not __fish_seen_subcommand_from install npm check status allow block data db repo serve audit worker generate help" -f -a "block" -d 'Always block a package (or one version), and remove it from the secure repository'
complete -c secpip -n "__fish_secpip_using_subcommand help; and not __fish_seen_subcommand_from install npm check status allow block data db repo serve audit worker generate help" -f -a "data" -d 'Manage the popular-package snapshot used for look-alike detection'
complete -c secpip -n "__fish_secpip_using_subcommand help; and not __fish_seen_subcommand_from install npm check status allow block data db repo serve audit worker generate help" -f -a "db" -d 'Manage the offline advisory database (OSV)'
complete -c secpip -n "__fish_secpip_using_subcommand help; and not __fish_seen_subcommand_from install npm check status allow block data db repo serve audit worker generate help" -f -a "repo" -d 'Work with the local secure repository'
complete -c secpip -n "__fish_secpip_using_subcommand help; and not __fish_seen_subcommand_from install npm check status allow block data db repo serve audit worker generate help" -f -a "serve" -d 'Run the team server: firewall API, shared status table, secure index'
complete -c secpip -n "__fish_secpip_using_subcommand help; and not __fish_seen_subcommand_from install npm check status allow block data db repo serve audit worker generate help" -f -a "audit" -d 'List the audit log: who decided what, when and why'
complete -c secpip -n "__fish_secpip_using_subcommand help; and not __fish_seen_subcommand_from install npm check status allow block data db repo serve audit worker generate help" -f -a "worker" -d 'Scan requests from the AWS queue (backend aws); run as many as needed'
complete -c secpip -n "__fish_secpip_using_subcommand help; and not __fish_seen_subcommand_from install npm check status allow block data db repo serve audit worker generate help" -f -a "generate" -d 'Write shell completions and the man page (used by install.sh)'
complete -c secpip -n "__fish_secpip_using_subcommand help; and not __fish_seen_subcommand_from install npm check status allow block data db repo serve audit worker generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c secpip -n "__fish_secpip_using_subcommand help; and __fish_seen_subcommand_from npm" -f -a "install" -d 'Vet the tree, then npm install from the secure registry'
complete -c secpip -n "__fish_secpip_using_subcommand help; and __fish_seen_subcommand_from npm" -f -a "ci" -d 'Vet the existing package-lock.json, then npm ci from the secure registry'
complete -c secpip -n "__fish_secpip_using_subcommand help; and __fish_seen_subcommand_from data" -f -a "refresh-popular" -d 'Download a top-packages list (top-pypi-packages JSON format) and use it from now on'
complete -c secpip -n "__fish_secpip_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "import-osv" -d 'Import an OSV `all.zip` (one ecosystem\'s dump, e.g. PyPI\'s or npm\'s); it replaces what an earlier import stored for the same ecosystem'
complete -c secpip -n "__fish_secpip_using_subcommand help; and __fish_seen_subcommand_from repo" -f -a "serve" -d 'Serve the secure repository until interrupted'
