/**
 * A progress line for long runs, redrawn in place on a terminal and silent otherwise
 * (CI logs get the final summary only).
 */

export interface Progress {
  update: (done: number, total: number) => void;
  done: () => void;
}

/** Shows "label 1234/10000" on `stream` when it is a terminal and the run is long. */
export function createProgress(label: string, stream: NodeJS.WriteStream): Progress {
  const enabled = stream.isTTY === true;
  let last = 0;
  let shown = false;
  return {
    update(done, total) {
      if (!enabled || total < 200) return;
      const now = Date.now();
      if (now - last < 100 && done !== total) return;
      last = now;
      shown = true;
      stream.write(`\r${label} ${done}/${total}`);
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}
