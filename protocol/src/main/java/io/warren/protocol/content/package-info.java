/** Content header properties of the basic class. */
package io.warren.protocol.content;
