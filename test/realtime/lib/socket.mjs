// Socket helpers over the official socket.io-client: connect with a token,
// record every event a socket receives, wait for events and acks.
import { io } from "socket.io-client";
import { performance } from "node:perf_hooks";

// open returns an unconnected socket on url with auth {token}. Reconnection
// is off unless asked for, so that a test decides when a client comes back.
export function open(url, token, options = {}) {
  const auth = token === undefined ? {} : { token };
  return io(url, {
    forceNew: true,
    autoConnect: false,
    reconnection: false,
    reconnectionDelay: 100,
    reconnectionDelayMax: 300,
    transports: ["websocket"],
    auth,
    ...options,
  });
}

// connect opens a socket and resolves once it is connected, or rejects with
// the connect_error.
export async function connect(url, token, options = {}) {
  const socket = open(url, token, options);
  socket.log = record(socket);
  await connected(socket);
  return socket;
}

// connected connects socket and resolves once it is, or rejects with the
// connect_error (err.message, err.data).
export function connected(socket, timeout = 5000) {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      socket.off("connect", ok);
      socket.off("connect_error", fail);
    };
    const ok = () => {
      done();
      resolve(socket);
    };
    const fail = (err) => {
      done();
      reject(err);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error("timed out connecting"));
    }, timeout);
    socket.on("connect", ok);
    socket.on("connect_error", fail);
    socket.connect();
  });
}

// connectError resolves with the connect_error of a connection attempt
// that must be refused.
export async function connectError(url, token, options = {}) {
  const socket = open(url, token, options);
  try {
    await connected(socket);
  } catch (err) {
    socket.close();
    return err;
  }
  socket.close();
  throw new Error("the connection was accepted");
}

// record keeps every event socket receives, in order, with its payload, its
// recovery offset (the extra string argument the server adds) and the time
// it arrived (performance.now()).
export function record(socket) {
  const log = [];
  socket.onAny((name, ...args) => {
    const t = performance.now();
    const offset = args.length > 1 && typeof args.at(-1) === "string" ? args.at(-1) : undefined;
    log.push({ name, payload: args[0], offset, t });
  });
  return log;
}

// named returns the entries of log with the given event name.
export const named = (log, name) => log.filter((e) => e.name === name);

// next resolves with the first argument of the next `event`, or rejects
// after timeout milliseconds.
export function next(socket, event, timeout = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, handler);
      reject(new Error(`timed out waiting for ${event}`));
    }, timeout);
    const handler = (arg) => {
      clearTimeout(timer);
      resolve(arg);
    };
    socket.once(event, handler);
  });
}

// until polls cond every 10 ms and resolves when it holds, or rejects with
// what() after timeout milliseconds.
export async function until(cond, timeout = 5000, what = () => "condition") {
  const end = Date.now() + timeout;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what()}`);
    await sleep(10);
  }
}

// ack emits a command and resolves with its acknowledgement (the server
// must answer within timeout).
export function ack(socket, event, ...args) {
  return socket.timeout(5000).emitWithAck(event, ...args);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
