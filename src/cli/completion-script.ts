/**
 * @module `aibridge completion bash|zsh`: a completion script generated from the command list
 * (subcommand words, then each command's flags). zsh uses the same function through bashcompinit.
 */
import type { Command } from './command.ts';

function quoteWords(words: Iterable<string>): string {
  return [...new Set(words)].sort().join(' ');
}

export function bashCompletion(commands: readonly Command[]): string {
  const next = new Map<string, Set<string>>();
  const cases: string[] = [];
  for (const c of commands) {
    const words = c.name.split(' ');
    for (let i = 0; i < words.length; i++) {
      const prefix = words.slice(0, i).join(' ');
      if (!next.has(prefix)) next.set(prefix, new Set());
      next.get(prefix)?.add(words[i] ?? '');
    }
    const flags = [...Object.keys(c.options).map((f) => `--${f}`), '--dir', '--help'];
    cases.push(`    "${c.name}"|"${c.name} "*) words="${quoteWords(flags)}" ;;`);
  }
  for (const [prefix, words] of next) if (prefix && !commands.some((c) => c.name === prefix)) cases.push(`    "${prefix}") words="${quoteWords(words)}" ;;`);
  cases.push(`    "") words="${quoteWords([...(next.get('') ?? []), 'completion', '--help', '--version'])}" ;;`);
  cases.push('    "completion") words="bash zsh" ;;');
  return [
    '# aibridge shell completion. bash: source <(aibridge completion bash)  (or save it in /etc/bash_completion.d/aibridge)',
    '_aibridge() {',
    // eslint-disable-next-line no-template-curly-in-string -- the ${...} belongs to the generated shell or config text, not to JavaScript
    '  local cur="${COMP_WORDS[COMP_CWORD]}" words=""',
    // eslint-disable-next-line no-template-curly-in-string -- the ${...} belongs to the generated shell or config text, not to JavaScript
    '  local typed="${COMP_WORDS[*]:1:COMP_CWORD-1}"',
    '  case "$typed" in',
    ...cases,
    '  esac',
    '  COMPREPLY=($(compgen -W "$words" -- "$cur"))',
    '}',
    'complete -o default -F _aibridge aibridge',
    '',
  ].join('\n');
}

export function zshCompletion(commands: readonly Command[]): string {
  return ['# aibridge shell completion for zsh: source <(aibridge completion zsh)  (in ~/.zshrc)', 'autoload -U +X compinit && compinit', 'autoload -U +X bashcompinit && bashcompinit', bashCompletion(commands)].join('\n');
}
