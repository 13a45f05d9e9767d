"""The local web app (`assist serve`) and the self-contained HTML report (`assist report`)."""
