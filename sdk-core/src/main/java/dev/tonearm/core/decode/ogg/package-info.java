/**
 * Ogg container layer (RFC 3533): page capture with CRC checks and resynchronisation, and packet
 * assembly for one logical stream. Codec decoders in sibling packages build on it; it is not a
 * stable public API.
 */
package dev.tonearm.core.decode.ogg;
