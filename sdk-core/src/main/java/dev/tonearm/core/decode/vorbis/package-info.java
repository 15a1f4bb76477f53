/**
 * Ogg Vorbis decoding, written from the Vorbis I specification. {@link
 * dev.tonearm.core.decode.vorbis.VorbisDecoder} is the entry point; {@link
 * dev.tonearm.core.decode.vorbis.VorbisLink} and {@link
 * dev.tonearm.core.decode.vorbis.VorbisComments} describe chain links and their tags. All other
 * classes are package-private parts of the codec.
 */
package dev.tonearm.core.decode.vorbis;
