/**
 * One record per AMQP method, described once in {@link io.warren.protocol.method.MethodTable}
 * and read and written by {@link io.warren.protocol.method.MethodCodec}.
 */
package io.warren.protocol.method;
