/// A STOMP 1.2 client (https://stomp.github.io/stomp-specification-1.2.html) on SwiftNIO, for
/// handing messages to a broker (Apache ActiveMQ, RabbitMQ's STOMP plugin, Artemis) with the
/// broker's confirmation of each one.
///
/// The module is standalone (no Herald types) and built in the layers of the SMTP and SMPP
/// modules:
/// - **frames** (``STOMPFrame``, ``STOMPFrameParser``): a pure codec with the 1.2 header escaping
///   (not applied in `CONNECT`/`CONNECTED`, as the specification requires), `content-length`
///   bodies and bare end-of-lines as heart-beats;
/// - **the session** (``STOMPSessionStateMachine``): events in, actions out, time as an input:
///   the `CONNECT` handshake, heart-beat negotiation and the silent-broker check, frames awaiting
///   their `RECEIPT` keyed by receipt id (so many `SEND`s are in flight on one connection and
///   confirmed out of order if the broker likes), `ERROR` frames as ``STOMPError``s, and
///   `DISCONNECT` with a receipt;
/// - **thin NIO handlers** that carry the state machine out on a channel;
/// - **async clients**: ``STOMPConnection`` (one connection) and ``STOMPClient`` (connects on
///   demand and again after a failure, with exponential backoff).
///
/// Decisions:
/// - **Every `SEND` asks for a receipt** and ``STOMPClient/send(_:)`` returns only when it came:
///   the receipt is the broker saying it has the message (for a persistent message ActiveMQ
///   answers after its store has it). Without receipts a client cannot know whether anything
///   arrived.
/// - **Delivery is at-least-once.** A `SEND` whose receipt never came because the connection
///   died fails with ``STOMPError/Code/connectionLost`` and ``STOMPError/mayHaveBeenDelivered``:
///   the broker may have taken it. The client does not resend by itself; the caller decides
///   (and puts an id in the message so consumers can drop the duplicate).
/// - **No automatic resending, no buffering across connections.** A send that finds no
///   connection and cannot make one fails at once with a retryable error that says the message
///   was not delivered; reconnecting is lazy (on the next send) and spaced by the backoff.
/// - **`ERROR` frames**: one that names a receipt of ours refuses that frame only
///   (``STOMPError/Code/rejected``, not retryable: the broker would refuse it again); any other
///   one ends the connection as the specification says (during `CONNECT`:
///   ``STOMPError/Code/connectRefused``, e.g. a wrong login).
/// - **Heart-beats** are offered as configured; once negotiated the client sends one whenever
///   it has written nothing for the agreed interval, and treats a broker that sent nothing for
///   ``STOMPSessionStateMachine/Configuration/heartBeatTolerance`` times its interval as gone
///   (``STOMPError/Code/heartBeatTimeout``), closing the connection.
public enum STOMP {
    /// The protocol version spoken: `1.2`.
    public static let version = "1.2"
}
