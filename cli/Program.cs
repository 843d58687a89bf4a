// Entry point of the `coast` command; commands arrive in the CLI issue work.
return 0;
