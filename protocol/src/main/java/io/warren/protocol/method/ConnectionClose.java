package io.warren.protocol.method;

/** {@code connection.close} (10, 50); wire format in {@link MethodTable}. */
public record ConnectionClose(
    int replyCode,
    String replyText,
    int failingClassId,
    int failingMethodId)
    implements AmqpMethod {}
