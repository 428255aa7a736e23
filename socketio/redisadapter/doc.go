// Package redisadapter is a socketio.Adapter for a cluster of servers that
// share one Redis: each node keeps its own sockets in the embedded
// socketio.MemoryAdapter and forwards every cluster-wide operation to the
// other nodes over Redis pub/sub, where they apply it to their own sockets.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
//	srv := socketio.NewServer(socketio.Options{
//		Adapter: redisadapter.New(rdb, redisadapter.Options{}),
//	})
//
// # Channels and messages
//
// Each namespace uses three channels (with the default key "socket.io" and
// namespace "/"):
//
//	socket.io#/#               broadcasts
//	socket.io-request#/#       heartbeats, requests and server-side emits
//	socket.io-response#/#UID#  the answers meant for node UID
//
// Messages are JSON objects {uid, nsp, type, data} whose types are those of
// the reference socket.io cluster adapter (INITIAL_HEARTBEAT = 1 …
// ADAPTER_CLOSE = 13), plus OPERATION_ACK, with which a node confirms that it
// applied a join, leave or disconnection. Packets travel as they are (type,
// namespace, raw JSON data, binary attachments), so a broadcast is encoded
// for the wire once per receiving node, and the recovery offset set with
// WithOffset reaches every node.
//
// # Broadcasts with acknowledgements
//
// BroadcastOperator.EmitWithAck (Node's io.timeout(ms).emit(ev, …, cb))
// works across nodes as with the reference adapters: the broadcast is
// published on the request channel with a request id and its timeout; each
// other node reaches its own sockets and answers on the response channel of
// the node that broadcast, first with the number of sockets it reached
// (BROADCAST_CLIENT_COUNT), then with each socket's answer (BROADCAST_ACK,
// binary attachments included). The broadcasting node returns once every
// node known when it published has reported and every socket reached has
// answered, or when its context ends.
//
// # Node discovery
//
// Every node publishes a heartbeat each HeartbeatInterval, and an initial
// heartbeat, which the others answer at once, when it starts and whenever
// its subscription comes back after losing Redis. A node not heard from for
// HeartbeatTimeout is forgotten, as is one that closes its adapter (its close
// is its last message, and what still arrives from it after the close is
// not counted as a sign of life). A request
// (FetchSockets, SocketsJoin, SocketsLeave, DisconnectSockets) waits for the
// answers of the nodes known when it was sent, at most RequestTimeout; a node
// that does not answer in time is forgotten until it is heard from again, so
// that a crashed node delays one request, not every request until its
// heartbeat expires. Options.OnNodeLeft reports each node forgotten, for
// state derived from other nodes' sockets (a presence list) to be
// refreshed.
//
// # Failures
//
// Local delivery never depends on Redis: a broadcast reaches this node's
// sockets first and is then published. While Redis is unreachable, the
// subscription reconnects by itself (with backoff), and cross-node
// operations fail fast with an error wrapping ErrUnavailable, or within
// PublishTimeout, never hanging. Pub/sub has no memory: messages published
// while a node was cut off are lost for it, so applications that must not
// lose events carry them in a durable log and use the adapter only as a
// wake-up (Livedesk does both; see docs/deploy.md).
package redisadapter
