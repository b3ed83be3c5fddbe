package dev.segments.common.config;

/**
 * A trait kept as a typed column.
 *
 * @param traitName the key as sent in identify / group traits
 * @param column the column name (the trait name in snake_case)
 * @param type how the text value is cast
 */
public record TraitColumn(String traitName, String column, TraitType type) {}
