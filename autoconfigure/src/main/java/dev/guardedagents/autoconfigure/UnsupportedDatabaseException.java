package dev.guardedagents.autoconfigure;

/**
 * Thrown at start-up when the run journal's data source is a database the journal has no
 * migrations for.
 */
public class UnsupportedDatabaseException extends RuntimeException {

	private final String productName;

	UnsupportedDatabaseException(String productName) {
		super("The Guarded Agents run journal supports H2 and PostgreSQL, not " + productName);
		this.productName = productName;
	}

	/**
	 * Returns the database product name reported by the driver.
	 * @return the product name
	 */
	public String getProductName() {
		return this.productName;
	}

}
