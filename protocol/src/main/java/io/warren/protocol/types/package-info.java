/** AMQP data types: long strings, field tables and their tagged values (RabbitMQ's dialect). */
package io.warren.protocol.types;
