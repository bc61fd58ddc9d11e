'use strict';
// A NestJS @Sse() endpoint shaped like the field report (issue #8): NestJS numbers the events of every
// connection from 1 (it assigns an id to each message without one), every connection starts with the
// same status snapshot, the server cuts the connection every few events, and one connection ends with
// NestJS's own `event: error` / `data: Internal server error`. Each `?client=NAME` gets its own copy of
// the job, so jobwatch and eventsource can be run side by side on the same content.
// Usage: node server.js --port P --journal FILE [--logs N] [--cut N] [--interval-ms N] [--error-on N]
require('reflect-metadata');
const fs = require('node:fs');
const { parseArgs } = require('node:util');
const { Controller, Module, Req, Sse } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { Observable } = require('rxjs');

const { values: options } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    journal: { type: 'string' },
    logs: { type: 'string', default: '30' },
    cut: { type: 'string', default: '4' },
    'interval-ms': { type: 'string', default: '10' },
    'error-on': { type: 'string', default: '3' },
  },
});
const LOGS = Number(options.logs);
const CUT = Number(options.cut);
const INTERVAL_MS = Number(options['interval-ms']);
const ERROR_ON = Number(options['error-on']);
const RETRY_MS = 100;

const jobs = new Map();
function job(client) {
  if (!jobs.has(client)) jobs.set(client, { sent: 0, connections: 0, completed: false });
  return jobs.get(client);
}

function journal(record) {
  fs.appendFileSync(options.journal, JSON.stringify(record) + '\n');
}

class EventsController {
  events(request) {
    const client = String(request.query.client);
    const state = job(client);
    state.connections += 1;
    const connection = state.connections;
    journal({ job: client, connect: request.headers['last-event-id'] ?? null });
    return new Observable((subscriber) => {
      subscriber.next({ type: 'status', data: { status: 'running' }, retry: RETRY_MS });
      let here = 0;
      const timer = setInterval(() => {
        if (state.sent >= LOGS) {
          clearInterval(timer);
          state.completed = true;
          subscriber.next({ type: 'complete', data: { status: 'succeeded' } });
          subscriber.complete(); // later connections get 204 No Content
        } else if (connection === ERROR_ON && here === 2) {
          clearInterval(timer);
          subscriber.error(new Error('disk quota exceeded'));
        } else {
          state.sent += 1;
          here += 1;
          subscriber.next({ type: 'log', data: { line: `build step ${state.sent}` } });
          journal({ job: client, sent: state.sent });
          if (here === CUT) {
            clearInterval(timer);
            subscriber.complete();
          }
        }
      }, INTERVAL_MS);
      return () => clearInterval(timer);
    });
  }
}
Req()(EventsController.prototype, 'events', 0);
Reflect.decorate([Sse('events')], EventsController.prototype, 'events',
  Object.getOwnPropertyDescriptor(EventsController.prototype, 'events'));
Reflect.decorate([Controller()], EventsController);

class AppModule {}
Reflect.decorate([Module({ controllers: [EventsController] })], AppModule);

async function main() {
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  app.use((request, response, next) => {
    if (request.path === '/events' && job(String(request.query.client)).completed) {
      response.status(204).end();
      return;
    }
    next();
  });
  await app.listen(Number(options.port), '127.0.0.1');
  process.stdout.write(`ready ${app.getHttpServer().address().port}\n`);
}

main();
