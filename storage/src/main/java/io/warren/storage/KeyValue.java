package io.warren.storage;

/** One entry read from a store. The arrays are fresh copies that the caller owns. */
public record KeyValue(byte[] key, byte[] value) {}
