package dev.guardedagents.sample;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * The application's own Spring Data repository.
 */
public interface TicketRepository extends JpaRepository<Ticket, Long> {

}
