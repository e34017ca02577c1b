/**
 * AMQP 0-9-1 wire format as a pure codec over Netty buffers, no broker logic: {@link
 * io.warren.protocol.ReplyCode} and {@link io.warren.protocol.AmqpException} here; field tables in
 * {@code .types}; method records and their table-driven codec in {@code .method}; basic
 * properties in {@code .content}; frames, the Netty decoder/encoder and content assembly in
 * {@code .frame}.
 */
package io.warren.protocol;
