/** @module A one-line progress display on stderr, only when stderr is a terminal. */

export interface Progress { update(done: number, total: number): void; done(): void }

function mib(n: number): string {
  return (n / 1048576).toFixed(1);
}

export function progressPrinter(label: string, stream: NodeJS.WriteStream = process.stderr): Progress | undefined {
  if (!stream.isTTY) return undefined;
  let last = 0;
  let shown = false;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < 250 && done < total) return;
      last = now;
      shown = true;
      const pct = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100;
      stream.write(`\r${label}: ${pct}% (${mib(done)} of ${mib(total)} MiB)`);
    },
    done() {
      if (shown) stream.write('\n');
      shown = false;
    },
  };
}
