import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { createFakeCalculationStore } from '../db/calculation-store.fake.js';
import { openCalculationStream, STREAM_PAGE_SIZE } from './calculation-stream.js';

// Polls often: the default 50 ms interval would make up most of these tests' run time.
const eventually = (check: () => void) => vi.waitFor(check, { interval: 2 });

/** A response whose client reads only when told to. */
function slowClient() {
  const held: (() => void)[] = [];
  let text = '';
  const sink = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      held.push(done);
    },
  });
  return {
    sink,
    text: () => text,
    readAll() {
      for (const done of held.splice(0)) done();
    },
  };
}

const logger = pino({ level: 'silent' });

describe('openCalculationStream', () => {
  it('reads the next page only once the client has taken the last one', async () => {
    const store = createFakeCalculationStore();
    store.add('alice', STREAM_PAGE_SIZE * 2 + 1);
    const client = slowClient();
    const stream = openCalculationStream({
      sink: client.sink,
      store,
      lastEventId: '0',
      keepAliveMs: 60_000,
      logger,
      onClose: () => {},
    });
    await eventually(() => expect(client.text()).toContain(`id: ${STREAM_PAGE_SIZE}\n`));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(store.reads).toBe(1);

    client.readAll();
    await eventually(() => expect(store.reads).toBe(2));
    client.readAll();
    await eventually(() => expect(client.text()).toContain(`id: ${STREAM_PAGE_SIZE * 2 + 1}\n`));
    client.readAll();
    await stream.close();
  });

  it('reads again, without another notification, a calculation held back by an older running transaction', async () => {
    const store = createFakeCalculationStore();
    store.add('alice', 2);
    let text = '';
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        text += chunk.toString('utf8');
        done();
      },
    });
    const stream = openCalculationStream({
      sink,
      store,
      lastEventId: '0',
      keepAliveMs: 60_000,
      logger,
      onClose: () => {},
    });
    await eventually(() => expect(text).toContain('id: 2\n'));
    // 3 is still being applied by an older transaction; 4 has committed and its notification comes.
    store.add('alice', 2);
    store.holdBackFrom(3);
    stream.wake('4');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(text).not.toContain('id: 3\n');
    const readsWhileHeld = store.reads;
    expect(readsWhileHeld).toBeGreaterThan(2);
    // The older transaction commits: no notification is needed for the stream to send both, in order.
    store.holdBackFrom(undefined);
    await eventually(() => expect(text).toContain('id: 4\n'));
    expect(text.indexOf('id: 3\n')).toBeLessThan(text.indexOf('id: 4\n'));
    const reads = store.reads;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(store.reads).toBe(reads);
    await stream.close();
  });

  it('skips its query when woken for calculations it has already sent', async () => {
    const store = createFakeCalculationStore();
    store.add('alice', 3);
    const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
    const stream = openCalculationStream({
      sink,
      store,
      lastEventId: '0',
      keepAliveMs: 60_000,
      logger,
      onClose: () => {},
    });
    await eventually(() => expect(store.reads).toBe(1));
    stream.wake('3');
    stream.wake('2');
    expect(store.reads).toBe(1);
    stream.wake('4');
    await eventually(() => expect(store.reads).toBe(2));
    await stream.close();
  });

  it('stops, and gives its slot back, when the client goes away', async () => {
    const store = createFakeCalculationStore();
    const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
    const onClose = vi.fn();
    const stream = openCalculationStream({ sink, store, keepAliveMs: 60_000, logger, onClose });
    await eventually(() => expect(store.reads).toBe(2));
    sink.destroy();
    await eventually(() => expect(onClose).toHaveBeenCalledOnce());
    stream.wake();
    await stream.close();
    expect(store.reads).toBe(2);
    expect(onClose).toHaveBeenCalledOnce();
  });
});
