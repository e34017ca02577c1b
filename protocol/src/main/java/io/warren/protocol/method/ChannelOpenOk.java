package io.warren.protocol.method;

/** {@code channel.open-ok} (20, 11); wire format in {@link MethodTable}. */
public record ChannelOpenOk() implements AmqpMethod {}
