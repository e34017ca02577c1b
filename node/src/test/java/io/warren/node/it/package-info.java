/**
 * Black-box integration tests: the official RabbitMQ Java client over a real socket, asserting
 * what a user observes (reply codes and texts, counts, redelivered flags, ordering).
 *
 * <p>By default each test class starts an embedded Warren node (see
 * {@link io.warren.node.it.support.Broker}). The same tests run against a real RabbitMQ, which
 * is how they were validated:
 *
 * <pre>
 * mvn -B -o -pl node test -Dtest='io.warren.node.it.**' -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dwarren.it.uri=amqp://guest:guest@127.0.0.1:5673 \
 *   -Dwarren.it.amqp.max-message-size=1048576 \
 *   -Dwarren.it.rabbitmqctl=/path/to/rabbitmqctl-wrapper
 * </pre>
 *
 * <p>{@code warren.it.<setting key>} tells the suite how an external broker is configured (here
 * RabbitMQ's {@code max_message_size = 1048576}); {@code warren.it.rabbitmqctl} is the command
 * (with {@code -n node}) the flow-control test uses to raise a memory alarm. Tests needing either
 * are skipped when it is missing, and Warren-only tests are skipped against an external broker.
 */
package io.warren.node.it;
