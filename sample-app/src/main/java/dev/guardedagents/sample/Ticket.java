package dev.guardedagents.sample;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A support ticket, the application's own entity.
 */
@Entity
@Table(name = "ticket")
public class Ticket {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private Long id;

	private String text;

	private String category;

	private String reply;

	protected Ticket() {
	}

	Ticket(String text) {
		this.text = text;
	}

	public Long getId() {
		return this.id;
	}

	public String getText() {
		return this.text;
	}

	public String getCategory() {
		return this.category;
	}

	public String getReply() {
		return this.reply;
	}

	void answer(String category, String reply) {
		this.category = category;
		this.reply = reply;
	}

}
