package io.warren.protocol.method;

/** {@code basic.return} (60, 50), carries content; wire format in {@link MethodTable}. */
public record BasicReturn(
    int replyCode,
    String replyText,
    String exchange,
    String routingKey)
    implements AmqpMethod {}
