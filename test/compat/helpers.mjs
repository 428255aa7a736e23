// Helpers of the compatibility tests: the server under test and promises
// over socket.io-client events.
import { io } from "socket.io-client";

export const URL = (process.env.SERVER_URL || "http://127.0.0.1:3001").replace(/\/$/, "");

// client returns an unconnected socket with its own connection; options
// are those of io().
export function client(nsp = "/", options = {}) {
  return io(URL + nsp, { forceNew: true, reconnection: false, autoConnect: false, ...options });
}

// next resolves with the arguments of the next `event`, or rejects after
// timeout milliseconds.
export function next(socket, event, timeout = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, handler);
      reject(new Error(`timed out waiting for ${event}`));
    }, timeout);
    const handler = (...args) => {
      clearTimeout(timer);
      resolve(args);
    };
    socket.once(event, handler);
  });
}

// connected connects socket and resolves once it is.
export async function connected(socket) {
  const p = next(socket, "connect");
  socket.connect();
  await p;
  return socket;
}

// none resolves when `event` did not happen within ms, and rejects if it did.
export function none(socket, event, ms = 300) {
  return new Promise((resolve, reject) => {
    const handler = (...args) => reject(new Error(`unexpected ${event}: ${JSON.stringify(args)}`));
    socket.once(event, handler);
    setTimeout(() => {
      socket.off(event, handler);
      resolve();
    }, ms);
  });
}

// ack emits an event with a callback and resolves with all its arguments.
export function ack(socket, event, ...args) {
  return new Promise((resolve) => socket.emit(event, ...args, (...res) => resolve(res)));
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// until resolves once cond() holds, checking every few milliseconds, and
// rejects after timeout milliseconds.
export async function until(cond, timeout = 5000, what = "condition") {
  const deadline = Date.now() + timeout;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
