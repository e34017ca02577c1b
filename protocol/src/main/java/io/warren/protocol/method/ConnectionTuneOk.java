package io.warren.protocol.method;

/** {@code connection.tune-ok} (10, 31); wire format in {@link MethodTable}. */
public record ConnectionTuneOk(
    int channelMax,
    long frameMax,
    int heartbeat)
    implements AmqpMethod {}
