package io.warren.protocol.method;

/** {@code channel.flow} (20, 20); wire format in {@link MethodTable}. */
public record ChannelFlow(boolean active) implements AmqpMethod {}
