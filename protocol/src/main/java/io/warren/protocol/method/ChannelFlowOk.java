package io.warren.protocol.method;

/** {@code channel.flow-ok} (20, 21); wire format in {@link MethodTable}. */
public record ChannelFlowOk(boolean active) implements AmqpMethod {}
