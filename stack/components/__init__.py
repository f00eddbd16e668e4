"""One module per component of the payment stack; payment_stack.PaymentStack composes them."""
