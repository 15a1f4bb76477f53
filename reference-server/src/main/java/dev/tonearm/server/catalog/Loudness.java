package dev.tonearm.server.catalog;

/**
 * Measured loudness of a track, ITU-R BS.1770 style. Immutable.
 *
 * @param integratedLufs gated integrated loudness in LUFS, rounded to 0.1
 * @param truePeakDbtp estimated true peak in dBTP (4x oversampled), rounded to 0.1
 */
public record Loudness(double integratedLufs, double truePeakDbtp) {}
