package io.warren.protocol.method;

/** {@code channel.close} (20, 40); wire format in {@link MethodTable}. */
public record ChannelClose(
    int replyCode,
    String replyText,
    int failingClassId,
    int failingMethodId)
    implements AmqpMethod {}
