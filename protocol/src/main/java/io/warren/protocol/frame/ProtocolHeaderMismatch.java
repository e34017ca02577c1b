package io.warren.protocol.frame;

import io.warren.protocol.types.LongString;

/**
 * Emitted by {@link AmqpFrameDecoder} when the client's first bytes are not the AMQP 0-9-1
 * protocol header. The spec says to answer with the server's own header ({@link
 * FrameWriter#writeProtocolHeader}) and close the connection. The decoder ignores all further
 * input.
 *
 * @param received the bytes received (up to 8, fewer when they already differed)
 */
public record ProtocolHeaderMismatch(LongString received) {}
