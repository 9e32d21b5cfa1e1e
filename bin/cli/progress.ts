/**
 * Run progress for people: a bar per stage on a terminal (cli-progress), a plain line per quarter otherwise, so a
 * CI log or a pipe gets a readable record instead of carriage-return noise.
 */
import { SingleBar, Presets } from 'cli-progress';
import type { ProgressEvent, Stage } from '../../lib/pipeline/pipeline';

export interface ProgressView {
  update(e: ProgressEvent): void;
  stop(): void;
}

export function progressView(stream: NodeJS.WriteStream, quiet: boolean): ProgressView {
  if (quiet) return { update() {}, stop() {} };
  return stream.isTTY ? barView(stream) : lineView(stream);
}

function barView(stream: NodeJS.WriteStream): ProgressView {
  let stage: Stage | undefined;
  let bar: SingleBar | undefined;
  const finish = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    update(e) {
      if (e.stage !== stage) {
        finish();
        stage = e.stage;
        bar = new SingleBar(
          { stream, format: `${e.stage.padEnd(11)} [{bar}] {value}/{total} {percentage}% | {speed} leads/s | {duration_formatted}`, hideCursor: true },
          Presets.shades_classic,
        );
        bar.start(Math.max(e.total, 1), 0, { speed: 0 });
        (bar as unknown as { startedAt: number }).startedAt = Date.now();
      }
      const started = (bar as unknown as { startedAt: number }).startedAt;
      const secs = Math.max((Date.now() - started) / 1000, 0.001);
      bar!.setTotal(Math.max(e.total, 1));
      bar!.update(e.done, { speed: Math.round(e.done / secs) });
    },
    stop: finish,
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
