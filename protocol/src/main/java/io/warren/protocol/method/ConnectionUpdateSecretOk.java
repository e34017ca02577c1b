package io.warren.protocol.method;

/** {@code connection.update-secret-ok} (10, 71); wire format in {@link MethodTable}. */
public record ConnectionUpdateSecretOk() implements AmqpMethod {}
