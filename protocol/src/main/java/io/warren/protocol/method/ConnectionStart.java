package io.warren.protocol.method;

import io.warren.protocol.types.LongString;
import io.warren.protocol.types.FieldTable;

/** {@code connection.start} (10, 10); wire format in {@link MethodTable}. */
public record ConnectionStart(
    int versionMajor,
    int versionMinor,
    FieldTable serverProperties,
    LongString mechanisms,
    LongString locales)
    implements AmqpMethod {}
