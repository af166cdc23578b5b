// xmgr completion bash|zsh|fish: completion scripts for the one-shot commands, generated from the
// commander program itself so they always match it. Static scripts: completing never runs xmgr.
import type { Command } from "commander";
import { usageError } from "../errors.js";

export const SHELLS = ["bash", "zsh", "fish"] as const;

interface OptionInfo {
  long?: string;
  short?: string;
  value: boolean;
  file: boolean;
  help: string;
}

interface CommandInfo {
  /** "" for xmgr itself, "user", "user clients", … */
  path: string;
  name: string;
  aliases: string[];
  help: string;
  options: OptionInfo[];
  subcommands: CommandInfo[];
  /** Values the first argument takes (e.g. completion's shells). */
  choices: string[];
}

export function completionScript(shell: string, program: Command): string {
  const root = describe(program, "");
  const all = flatten(root);
  switch (shell) {
    case "bash":
      return bash(root, all);
    case "zsh":
      return zsh(root, all);
    case "fish":
      return fish(root, all);
    default:
      throw usageError(`No completion for ${JSON.stringify(shell)}.`, `Choose one of: ${SHELLS.join(", ")}.`);
  }
}

function describe(command: Command, parentPath: string): CommandInfo {
  const path = command.parent === null ? "" : parentPath ? `${parentPath} ${command.name()}` : command.name();
  const options: OptionInfo[] = command.options
    .filter((option) => !option.hidden)
    .map((option) => ({
      long: option.long,
      short: option.short,
      value: option.required || option.optional,
      file: /file>|file\]/.test(option.flags),
      help: option.description,
    }));
  options.push({ long: "--help", short: "-h", value: false, file: false, help: "show help" });
  const first = command.registeredArguments[0];
  return {
    path,
    name: command.name(),
    aliases: command.aliases(),
    help: command.description(),
    options,
    subcommands: command.commands.filter((sub) => sub.name() !== "help").map((sub) => describe(sub, path)),
    choices: first?.argChoices ? [...first.argChoices] : [],
  };
}

function flatten(command: CommandInfo): CommandInfo[] {
  return [command, ...command.subcommands.flatMap(flatten)];
}

/** Options that apply at a path: xmgr's own (commander accepts them after a subcommand too) and the command's. */
function optionsAt(root: CommandInfo, command: CommandInfo): OptionInfo[] {
  return command === root ? root.options : [...root.options.filter((option) => option.long !== "--version" && option.long !== "--help"), ...command.options];
}

const names = (options: OptionInfo[]) => options.flatMap((option) => [option.long, option.short].filter((name): name is string => Boolean(name)));
const longNames = (options: OptionInfo[]) => options.map((option) => option.long ?? option.short!).filter(Boolean);

/** `case` branches that follow the words typed to the command path (shared by bash and zsh). */
function pathCases(all: CommandInfo[], indent: string): string {
  const lines: string[] = [];
  for (const command of all) {
    for (const sub of command.subcommands) {
      const patterns = [sub.name, ...sub.aliases].map((name) => `"${command.path}:${name}"`).join("|");
      lines.push(`${indent}${patterns}) cmdpath="${sub.path}" ;;`);
    }
  }
  return lines.join("\n");
}

function takesValueFunction(root: CommandInfo, all: CommandInfo[]): string {
  const globalValue = names(root.options.filter((option) => option.value));
  const own = all
    .filter((command) => command !== root)
    .flatMap((command) => names(command.options.filter((option) => option.value)).map((name) => `"${command.path}:${name}"`));
  return `_xmgr_takes_value() {
  case "$2" in
    ${globalValue.join("|")}) return 0 ;;
  esac
  case "$1:$2" in
    ${own.length ? own.join("|") : '"-"'}) return 0 ;;
  esac
  return 1
}`;
}

function perPathVariables(root: CommandInfo, all: CommandInfo[], indent: string, wordsVariable: string): string {
  return all
    .map((command) => {
      const options = optionsAt(root, command);
      const files = names(options.filter((option) => option.file));
      return [
        `${indent}"${command.path}")`,
        `${indent}  options="${longNames(options).join(" ")}"`,
        `${indent}  ${wordsVariable}="${[...command.subcommands.map((sub) => sub.name), ...command.choices].join(" ")}"`,
        `${indent}  file_options="${files.join(" ")}"`,
        `${indent}  ;;`,
      ].join("\n");
    })
    .join("\n");
}

/**
 * The loop bash and zsh share: it walks the words typed before the cursor (from `first` to below
 * `bound`, read from the array `wordsArray`), skips each option's value, and sets $cmdpath.
 */
function commandPathWalk(all: CommandInfo[], first: string, bound: string, wordsArray: string): string {
  return `  for (( i = ${first}; i < ${bound}; i++ )); do
    word="\${${wordsArray}[i]}"
    case "$word" in
      -*=*) ;;
      -*) if _xmgr_takes_value "$cmdpath" "$word"; then (( i++ )); fi ;;
      *)
        case "$cmdpath:$word" in
${pathCases(all, "          ")}
        esac
        ;;
    esac
  done`;
}

function bash(root: CommandInfo, all: CommandInfo[]): string {
  return `# bash completion for xmgr (generated by: xmgr completion bash)
# Load it in this shell:  source <(xmgr completion bash)
# Install it for your user:
#   mkdir -p ~/.local/share/bash-completion/completions
#   xmgr completion bash > ~/.local/share/bash-completion/completions/xmgr
${takesValueFunction(root, all)}

_xmgr() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" cmdpath="" word i
  local options="" words="" file_options=""
  (( COMP_CWORD > 0 )) && prev="\${COMP_WORDS[COMP_CWORD-1]}"
${commandPathWalk(all, "1", "COMP_CWORD", "COMP_WORDS")}
  case "$cmdpath" in
${perPathVariables(root, all, "    ", "words")}
  esac
  COMPREPLY=()
  if (( COMP_CWORD > 1 )) && [[ $prev == -* ]] && _xmgr_takes_value "$cmdpath" "$prev"; then
    if [[ " $file_options " == *" $prev "* ]]; then
      compopt -o filenames 2>/dev/null
      local IFS=$'\\n'
      COMPREPLY=( $(compgen -f -- "$cur") )
    fi
    return 0
  fi
  if [[ $cur == -* ]]; then
    COMPREPLY=( $(compgen -W "$options" -- "$cur") )
  else
    COMPREPLY=( $(compgen -W "$words" -- "$cur") )
  fi
  return 0
}
complete -F _xmgr xmgr
`;
}

function zsh(root: CommandInfo, all: CommandInfo[]): string {
  return `#compdef xmgr
# zsh completion for xmgr (generated by: xmgr completion zsh)
# Load it in this shell (after compinit):  source <(xmgr completion zsh)
# Install it: put it in a folder of your $fpath as _xmgr, e.g.
#   mkdir -p ~/.zfunc && xmgr completion zsh > ~/.zfunc/_xmgr
#   and in ~/.zshrc, before compinit:  fpath=(~/.zfunc $fpath)
${takesValueFunction(root, all)}

_xmgr() {
  local cur="\${words[CURRENT]}" prev="\${words[CURRENT-1]}" cmdpath="" word i
  local options="" cmdwords="" file_options=""
${commandPathWalk(all, "2", "CURRENT", "words")}
  case "$cmdpath" in
${perPathVariables(root, all, "    ", "cmdwords")}
  esac
  if (( CURRENT > 2 )) && [[ $prev == -* ]] && _xmgr_takes_value "$cmdpath" "$prev"; then
    if [[ " $file_options " == *" $prev "* ]]; then
      _files
    fi
    return 0
  fi
  if [[ $cur == -* ]]; then
    compadd -- \${=options}
  else
    compadd -- \${=cmdwords}
  fi
}

if [[ "\${funcstack[1]}" == "_xmgr" ]]; then
  _xmgr "$@"
elif (( $+functions[compdef] )); then
  compdef _xmgr xmgr
fi
`;
}

function fishQuote(text: string): string {
  return `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

function fish(root: CommandInfo, all: CommandInfo[]): string {
  const globalValue = names(root.options.filter((option) => option.value));
  const own = all
    .filter((command) => command !== root)
    .flatMap((command) => names(command.options.filter((option) => option.value)).map((name) => `'${command.path}:${name}'`));
  const steps = all.flatMap((command) =>
    command.subcommands.map((sub) => `            case ${[sub.name, ...sub.aliases].map((name) => `'${command.path}:${name}'`).join(" ")}\n                set cmdpath '${sub.path}'`),
  );
  const lines: string[] = [];
  const option = (option: OptionInfo, condition?: string) => {
    const parts = ["complete -c xmgr"];
    if (condition) parts.push(`-n ${fishQuote(condition)}`);
    if (option.long) parts.push(`-l ${option.long.slice(2)}`);
    if (option.short) parts.push(`-s ${option.short.slice(1)}`);
    if (option.value) parts.push(option.file ? "-r -F" : "-r -f");
    parts.push(`-d ${fishQuote(option.help)}`);
    lines.push(parts.join(" "));
  };
  for (const entry of root.options) option(entry);
  for (const command of all) {
    const condition = `__xmgr_path_is '${command.path}'`;
    for (const sub of command.subcommands) lines.push(`complete -c xmgr -n ${fishQuote(condition)} -a ${sub.name} -d ${fishQuote(sub.help)}`);
    if (command.choices.length) lines.push(`complete -c xmgr -n ${fishQuote(condition)} -a ${fishQuote(command.choices.join(" "))}`);
    if (command !== root) for (const entry of command.options.filter((item) => item.long !== "--help")) option(entry, condition);
  }
  return `# fish completion for xmgr (generated by: xmgr completion fish)
# Load it in this shell:  xmgr completion fish | source
# Install it:  xmgr completion fish > ~/.config/fish/completions/xmgr.fish

function __xmgr_takes_value
    switch $argv[2]
        case ${globalValue.map((name) => `'${name}'`).join(" ")}
            return 0
    end
    switch "$argv[1]:$argv[2]"
        case ${own.length ? own.join(" ") : "'-'"}
            return 0
    end
    return 1
end

function __xmgr_path_is
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l cmdpath ''
    set -l skip 0
    for word in $tokens
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $word
            case '-*=*'
            case '-*'
                if __xmgr_takes_value "$cmdpath" $word
                    set skip 1
                end
            case '*'
                switch "$cmdpath:$word"
${steps.join("\n")}
                end
        end
    end
    test "$cmdpath" = "$argv[1]"
end

complete -c xmgr -f
${lines.join("\n")}
`;
}
