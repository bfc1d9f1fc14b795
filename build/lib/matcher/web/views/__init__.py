"""Results, profiles and policies shaped for the templates: labels looked up, values worded."""
