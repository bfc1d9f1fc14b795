"""The policy catalog: policy files, their validation, versions and test cases."""
