package io.warren.protocol.method;

/** {@code access.request} (30, 10); wire format in {@link MethodTable}. */
public record AccessRequest(
    String realm,
    boolean exclusive,
    boolean passive,
    boolean active,
    boolean write,
    boolean read)
    implements AmqpMethod {}
