package io.warren.protocol.method;

import io.warren.protocol.types.LongString;
import io.warren.protocol.types.FieldTable;

/** {@code connection.start-ok} (10, 11); wire format in {@link MethodTable}. */
public record ConnectionStartOk(
    FieldTable clientProperties,
    String mechanism,
    LongString response,
    String locale)
    implements AmqpMethod {}
