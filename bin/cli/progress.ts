/**
 * Run progress for people: a bar per stage on a terminal (cli-progress), a plain line per quarter otherwise, so a
 * CI log or a pipe gets a readable record instead of carriage-return noise.
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { ProgressEvent, Stage } from '../../lib/pipeline/pipeline';

export interface ProgressView {
  update(e: ProgressEvent): void;
  stop(): void;
}

export function progressView(stream: NodeJS.WriteStream, quiet: boolean): ProgressView {
  if (quiet) return { update() {}, stop() {} };
  return stream.isTTY ? barView(stream) : lineView(stream);
}

/** One bar per stage, each added when its stage first reports: an offline run moves all four together. */
function barView(stream: NodeJS.WriteStream): ProgressView {
  const bars = new MultiBar(
    { stream, format: '{stage} [{bar}] {value}/{total} {percentage}% | {speed} leads/s | {duration_formatted}', hideCursor: true },
    Presets.shades_classic,
  );
  const shown = new Map<Stage, { bar: SingleBar; startedAt: number }>();
  return {
    update(e) {
      let s = shown.get(e.stage);
      if (!s) {
        s = { bar: bars.create(Math.max(e.total, 1), 0, { stage: e.stage.padEnd(11), speed: 0 }), startedAt: Date.now() };
        shown.set(e.stage, s);
      }
      const secs = Math.max((Date.now() - s.startedAt) / 1000, 0.001);
      s.bar.setTotal(Math.max(e.total, 1));
      s.bar.update(e.done, { speed: Math.round(e.done / secs) });
    },
    stop: () => bars.stop(),
  };
}

function lineView(stream: NodeJS.WriteStream): ProgressView {
  const started = new Map<Stage, number>();
  const shown = new Map<Stage, number>();
  return {
    update(e) {
      if (!started.has(e.stage)) started.set(e.stage, Date.now());
      const quarter = e.total === 0 ? 4 : Math.floor((e.done / e.total) * 4);
      if ((shown.get(e.stage) ?? -1) >= quarter) return;
      shown.set(e.stage, quarter);
      const secs = Math.max((Date.now() - started.get(e.stage)!) / 1000, 0.001);
      stream.write(`${e.stage.padEnd(11)} ${e.done}/${e.total} (${Math.round(e.done / secs)} leads/s)\n`);
    },
    stop() {},
  };
}
