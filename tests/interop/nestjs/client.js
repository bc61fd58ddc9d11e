'use strict';
// The npm `eventsource` client, printing one JSON object per event it dispatches ({id, event, data}),
// until a `complete` event. Usage: node client.js URL
const { EventSource } = require('eventsource');

const source = new EventSource(process.argv[2]);
const print = (event) => {
  process.stdout.write(JSON.stringify({ id: event.lastEventId, event: event.type, data: event.data }) + '\n');
};
for (const type of ['message', 'status', 'log']) source.addEventListener(type, print);
source.addEventListener('complete', (event) => {
  print(event);
  source.close();
});
source.addEventListener('error', (event) => {
  if ('data' in event) {
    print(event); // the server's own `event: error`, not a connection error
  } else if (source.readyState === EventSource.CLOSED) {
    process.stderr.write(`eventsource: gave up: ${event.message}\n`);
    process.exitCode = 1;
  }
});
