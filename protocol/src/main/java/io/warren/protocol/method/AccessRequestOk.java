package io.warren.protocol.method;

/** {@code access.request-ok} (30, 11); wire format in {@link MethodTable}. */
public record AccessRequestOk() implements AmqpMethod {}
