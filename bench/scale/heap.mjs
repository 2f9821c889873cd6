// The JS heap of a page and of each of its dedicated workers, through the Chrome DevTools
// Protocol: the page's own session answers for the page, and its workers are reached by
// auto-attaching to them (non-flat sessions, so Playwright's own sessions are left alone).
// Each target is asked for its heap as it is and again after a full garbage collection.

/** `{ page: {usedBytes, usedAfterGcBytes}, workers: { 'search.worker': {...}, … } }` */
export async function heapsOf(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const attached = [];
    const replies = new Map();
    let nextId = 1;
    cdp.on('Target.attachedToTarget', (event) => attached.push(event));
    cdp.on('Target.receivedMessageFromTarget', (event) => {
      const message = JSON.parse(event.message);
      replies.get(message.id)?.(message);
    });
    const inTarget = (sessionId, method) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        replies.set(id, (m) => (m.error ? reject(new Error(m.error.message)) : resolve(m.result)));
        cdp
          .send('Target.sendMessageToTarget', {
            sessionId,
            message: JSON.stringify({ id, method }),
          })
          .catch(reject);
      });
    await cdp.send('Target.setAutoAttach', {
      autoAttach: true,
      waitForDebuggerOnStart: false,
      flatten: false,
    });
    // Attachment events for workers already running arrive right after the call.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const measure = async (send) => {
      const before = await send('Runtime.getHeapUsage');
      await send('HeapProfiler.collectGarbage');
      const after = await send('Runtime.getHeapUsage');
      return { usedBytes: before.usedSize, usedAfterGcBytes: after.usedSize };
    };
    const out = { page: await measure((method) => cdp.send(method)), workers: {} };
    for (const { sessionId, targetInfo } of attached) {
      if (targetInfo.type !== 'worker') continue;
      const name = /([\w-]+\.worker)/.exec(targetInfo.url)?.[1] ?? targetInfo.url;
      out.workers[name] = await measure((method) => inTarget(sessionId, method));
    }
    return out;
  } finally {
    await cdp.detach();
  }
}
