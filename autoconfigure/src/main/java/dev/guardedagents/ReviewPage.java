package dev.guardedagents;

import java.util.List;

/**
 * A page of reviews.
 *
 * @param reviews the reviews of the page, in the query's order
 * @param page the page number, from 0
 * @param size the page size
 * @param total how many reviews match the query
 */
public record ReviewPage(List<ReviewView> reviews, int page, int size, long total) {

}
