package io.warren.protocol.method;

/** {@code channel.open} (20, 10); wire format in {@link MethodTable}. */
public record ChannelOpen() implements AmqpMethod {}
