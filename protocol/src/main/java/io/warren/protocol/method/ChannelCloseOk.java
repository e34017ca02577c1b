package io.warren.protocol.method;

/** {@code channel.close-ok} (20, 41); wire format in {@link MethodTable}. */
public record ChannelCloseOk() implements AmqpMethod {}
