"""What the stack needs around its own processes: the load balancer in front of the Rasa replicas."""
