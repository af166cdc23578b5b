// xmgr completion bash|zsh|fish: a completion script for xmgr's commands and options.
import { defineCommand } from "./define.js";

export default defineCommand<{ shell: string }>({
  name: "completion",
  summary: "print a completion script for bash, zsh or fish",
  args: [{ name: "shell", kind: "word", choices: ["bash", "zsh", "fish"], help: "bash, zsh or fish" }],
  examples: [
    "source <(xmgr completion bash)",
    "xmgr completion bash > ~/.local/share/bash-completion/completions/xmgr",
    "xmgr completion zsh > ~/.zfunc/_xmgr    # with fpath=(~/.zfunc $fpath) before compinit",
    "xmgr completion fish > ~/.config/fish/completions/xmgr.fish",
  ],
  transport: "local",
  batch: "alone",
  inShell: false,
  async run({ output }, { shell }) {
    const [{ completionScript }, { buildProgram }] = await Promise.all([import("../shell/completion-scripts.js"), import("../program.js")]);
    output.data(completionScript(shell, buildProgram()));
  },
});
