package io.warren.protocol.method;

/** {@code connection.tune} (10, 30); wire format in {@link MethodTable}. */
public record ConnectionTune(int channelMax, long frameMax, int heartbeat) implements AmqpMethod {}
